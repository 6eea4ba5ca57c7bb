"""The victim tables the forms ask for, on a second hand-written register; expectations by hand.

ANITP 2021 (extract 2022-01-15), one row each (K = valid CNP, N = none):
- A  K1 girl 16, sexual, Iași, RO, exploited in DE, accepted assistance
- B  K2 boy 15, begging, Iași, RO, exploited in Romania, declined assistance
- C  N  woman 40, form unknown, residence unknown, MD, scope unknown (exploited in DE)
- D  K4 boy 17, domestic servitude, Cluj, RO, exploited in DE
- E  K5 woman 25, organ removal, Cluj, BG, exploited in DE
ANITP 2022 (extract 2023-01-15):
- F  K1 again, girl 17, sexual, Iași, RO, exploited in DE
- G  K6 woman 30, forced marriage, București, RO, exploited in Romania
NGO: 2021 K2 and K9 (not in the register) assisted; 2022 K1 assisted.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from pipelines.reporting.tables import write_tables
from tests.dbt.fixture import Builder

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).parents[2] / "dbt_project" / "seeds" / "reference"
D = dt.date


def build_register(path: Path) -> None:
    b = Builder()
    y21 = b.file("anitp", "2021", D(2022, 1, 15))
    b.victim(y21, 2, "K1", D(2021, 3, 1), age=16, assistance="yes")
    b.victim(y21, 3, "K2", D(2021, 4, 1), age=15, sex="M", form="begging", scope="domestic",
             assistance="no")  # fmt: skip
    b.victim(y21, 4, None, D(2021, 5, 1), age=40, form="unknown", scope="unknown", county=None,
             citizenship="MD")  # fmt: skip
    b.victim(y21, 5, "K4", D(2021, 6, 1), age=17, sex="M", form="domestic_servitude",
             county="RO-CJ")  # fmt: skip
    b.victim(y21, 6, "K5", D(2021, 7, 1), age=25, form="organ_removal", county="RO-CJ",
             citizenship="BG")  # fmt: skip
    y22 = b.file("anitp", "2022", D(2023, 1, 15))
    b.victim(y22, 2, "K1", D(2022, 2, 1), age=17)
    b.victim(y22, 3, "K6", D(2022, 3, 1), form="forced_marriage", scope="domestic", county="RO-B")
    ngo21 = b.file("ong", "2021", D(2022, 1, 30))
    b.assisted(ngo21, 2, "K2", D(2021, 5, 1))
    b.assisted(ngo21, 3, "K9", D(2021, 6, 1))
    ngo22 = b.file("ong", "2022", D(2023, 1, 30))
    b.assisted(ngo22, 2, "K1", D(2022, 4, 1))
    b.write(path)


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.dbt.conftest import dbt_build

    scratch = tmp_path_factory.mktemp("register")
    warehouse = scratch / "warehouse.duckdb"
    build_register(warehouse)
    done = dbt_build(warehouse, scratch)
    assert done.returncode == 0, done.stdout[-4000:]
    return warehouse


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_sdg_series_rows_use_the_four_un_forms(register: Path) -> None:
    rows = dict(
        query(
            register,
            "SELECT sdg_form, victims FROM marts.rpt_sdg_16_2_2 WHERE year = 2021 "
            "AND sex = 'total' AND age_group = 'total' AND exploitation_form = 'total'",
        )
    )
    # A sexual; D domestic servitude = forced labour; E organ removal; B begging = other
    # purposes; C (unknown form) is only in the total.
    assert rows == {
        "sexual_exploitation": 1,
        "forced_labour": 1,
        "organ_removal": 1,
        "other_purposes": 1,
        "total": 5,
    }


def test_sdg_series_by_sex_and_age_and_codes(register: Path) -> None:
    rows = query(
        register,
        "SELECT sex, age_group, sdg_series_code, victims FROM marts.rpt_sdg_16_2_2 "
        "WHERE year = 2021 AND exploitation_form = 'total' AND sdg_form = 'forced_labour' "
        "AND victims > 0 ORDER BY ALL",
    )
    # D only: a boy.
    assert rows == [
        ("M", "child", "VC_HTF_DETVFL", 1),
        ("M", "total", "VC_HTF_DETVFL", 1),
        ("total", "child", "VC_HTF_DETVFL", 1),
        ("total", "total", "VC_HTF_DETVFL", 1),
    ]


def test_project_form_rows_keep_their_counts_and_carry_their_sdg_form(register: Path) -> None:
    rows = query(
        register,
        "SELECT exploitation_form, sdg_form, sdg_series_code, victims FROM marts.rpt_sdg_16_2_2 "
        "WHERE year = 2021 AND sex = 'total' AND age_group = 'total' "
        "AND exploitation_form <> 'total' AND victims > 0 ORDER BY ALL",
    )
    assert rows == [
        ("begging", "other_purposes", None, 1),
        ("domestic_servitude", "forced_labour", None, 1),
        ("organ_removal", "organ_removal", None, 1),
        ("sexual", "sexual_exploitation", None, 1),
        ("unknown", None, None, 1),
    ]


def test_tip_girls_and_boys_among_child_victims_by_category(register: Path) -> None:
    rows = query(
        register,
        "SELECT tip_category, victims, children, girls, boys "
        "FROM marts.rpt_victims_by_tip_category_year WHERE year = 2021 ORDER BY tip_category",
    )
    # sex: A (girl); labor: B begging and D domestic servitude (two boys); other: E organ
    # removal (adult); unspecified: C (adult).
    assert rows == [
        ("labor", 2, 2, 0, 2),
        ("other", 1, 0, 0, 0),
        ("sex", 1, 1, 1, 0),
        ("unspecified", 1, 0, 0, 0),
    ]


def test_unodc_categories_are_unodc_own(register: Path) -> None:
    rows = dict(
        query(
            register,
            "SELECT unodc_category, victims FROM marts.rpt_victims_by_unodc_category_year "
            "WHERE year = 2021 AND victims > 0",
        )
    )
    assert rows == {
        "Sexual exploitation": 1,
        "Forced begging": 1,
        "Forced labour": 1,
        "Organ removal": 1,
        "Unknown": 1,
    }


def national_population(year: int) -> dict[tuple[str, str], int]:
    with (SEEDS / "ref_population_national_sex_age.csv").open(encoding="utf-8") as handle:
        return {
            (r["sex"], r["age_group"]): int(r["population"])
            for r in csv.DictReader(handle)
            if int(r["year"]) == year
        }


def test_sdg_population_is_one_basis_female_plus_male_is_total(register: Path) -> None:
    rows = dict(
        ((sex, age), population)
        for sex, age, population in query(
            register,
            "SELECT sex, age_group, population FROM marts.rpt_sdg_16_2_2 WHERE year = 2021 "
            "AND exploitation_form = 'total' AND sdg_form = 'total'",
        )
    )
    seed = national_population(2021)
    assert rows[("total", "total")] == seed[("total", "total")]
    assert rows[("F", "total")] + rows[("M", "total")] == rows[("total", "total")]
    assert rows[("total", "child")] + rows[("total", "adult")] == rows[("total", "total")]
    assert rows[("F", "child")] == seed[("F", "0-17")]
    assert rows[("U", "total")] is None and rows[("total", "unknown")] is None


def test_victims_by_citizenship_lists_every_country(register: Path) -> None:
    rows = query(
        register,
        "SELECT citizenship_code, country_name, victims FROM marts.rpt_victims_by_citizenship_year "
        "WHERE year = 2021 ORDER BY ALL",
    )
    assert rows == [("BG", "Bulgaria", 1), ("MD", "Moldova, Republic of", 1), ("RO", "Romania", 3)]


def test_victims_assisted_by_flag_and_ngo_episodes(register: Path) -> None:
    rows = query(
        register,
        "SELECT year, victims, anitp_accepted_assistance, anitp_declined_assistance, "
        "anitp_assistance_not_recorded, ngo_assisted_persons, ngo_assisted_identified, "
        "victims_assisted FROM marts.rpt_victims_assisted_year ORDER BY year",
    )
    # 2021: A accepted, B declined, C D E not recorded; NGO: K2 (= B) and K9 (not identified);
    # assisted = A (flag) and B (NGO). 2022: F and G not recorded; NGO: K1 (= F).
    assert rows == [(2021, 5, 1, 1, 3, 2, 1, 2), (2022, 2, 0, 0, 2, 1, 1, 1)]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def county_population(county: str, year: int) -> int:
    with (SEEDS / "ref_population_county_year.csv").open(encoding="utf-8") as handle:
        return next(
            int(r["population"])
            for r in csv.DictReader(handle)
            if r["iso_3166_2"] == county and int(r["year"]) == year
        )


def test_yearly_tables_beside_the_period_tables(register: Path, tmp_path: Path) -> None:
    write_tables(register, 2021, 2022, tmp_path, "csv", False)
    counties = {
        (r["year"], r["county_code"]): r
        for r in csv_rows(tmp_path / "victims_by_county_year.csv")
        if r["victims"] != "0"
    }
    # 2021: A, B in Iași; D, E in Cluj; C's residence is unknown. 2022: F Iași, G București.
    assert {k: int(r["victims"]) for k, r in counties.items()} == {
        ("2021", "RO-IS"): 2,
        ("2021", "RO-CJ"): 2,
        ("2022", "RO-IS"): 1,
        ("2022", "RO-B"): 1,
    }
    iasi = counties[("2021", "RO-IS")]
    assert float(iasi["rate_per_100k"]) == pytest.approx(
        2 * 100_000 / county_population("RO-IS", 2021), abs=5e-7
    )
    # The period table counts identifications: K1 in Iași in 2021 and again in 2022.
    period = {r["county_code"]: r["victims"] for r in csv_rows(tmp_path / "victims_by_county.csv")}
    assert period["RO-IS"] == "3"
    countries = [
        (r["year"], r["country_code"], r["victims"])
        for r in csv_rows(tmp_path / "victims_by_exploitation_country_year.csv")
    ]
    assert countries == [("2021", "DE", "4"), ("2022", "DE", "1")]  # B and G: in Romania
    forms = {
        (r["year"], r["exploitation_form"]): r
        for r in csv_rows(tmp_path / "victims_by_form_year.csv")
    }
    assert forms[("2021", "sexual")]["share_of_known"] == "0.25"  # 1 of A, B, D, E
    assert forms[("2021", "unknown")]["victims"] == "1"
    assert forms[("2021", "unknown")]["share_of_known"] == ""
    assert forms[("2022", "forced_marriage")]["share_of_known"] == "0.5"
    citizenship = csv_rows(tmp_path / "victims_by_citizenship_year.csv")
    assert sum(int(r["victims"]) for r in citizenship if r["year"] == "2021") == 5


def test_public_release_has_the_new_tables(register: Path, tmp_path: Path) -> None:
    write_tables(register, 2021, 2022, tmp_path, "both", True)
    public = tmp_path / "public"
    for name in (
        "victims_by_county_year",
        "victims_by_exploitation_country_year",
        "victims_by_form_year",
        "victims_by_citizenship_year",
    ):
        rows = csv_rows(public / f"{name}.csv")
        assert rows and all(r["victims"] in ("0", "<10") for r in rows), name
    sdg = csv_rows(public / "sdg_16_2_2.csv")
    series = {r["sdg_form"] for r in sdg if r["exploitation_form"] == "total"}
    assert series == {"sexual_exploitation", "forced_labour", "organ_removal", "other_purposes",
                      "total"}  # fmt: skip
    book = openpyxl.load_workbook(public / "greta.xlsx", read_only=True)
    assert {"victims_by_citizenship", "victims_assisted", "victims_by_form_sex_age"} <= set(
        book.sheetnames
    )

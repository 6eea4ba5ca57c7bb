"""On a generated world, the standard tables equal counts derived from the generator's truth.

The expectations are computed here from `truth/` (which never passed through the pipeline)
with the documented rules: a person is linked by CNP; a record without a CNP is its own
person; rows spoiled on purpose are quarantined; the latest extract of a period counts.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from synthetic import generate_world
from tests.linkage.groundtruth import labelled_records
from tests.pipelines.runner import Run, tipstats_run

pytestmark = pytest.mark.slow
YEARS = range(2019, 2023)
TRAFFICKING = ["CP210", "CP211", "L678-12", "L678-13"]  # CP 210, 211; Law 678/2001 arts. 12, 13


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Run]:
    root = tmp_path_factory.mktemp("truth")
    generate_world(root / "landing", root / "truth", YEARS, victims_per_year=80, seed=11)
    warehouse = root / "warehouse.duckdb"
    run = tipstats_run(root / "landing", warehouse, root / "home")
    assert run.code == 0, run.output[-3000:]
    return root / "truth", warehouse, run


def mart(warehouse: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).pl()


def kept_records(truth: Path, agency: str) -> pl.DataFrame:
    """Rows of each period's latest extract of an agency, less the rows spoiled on purpose."""
    records = pl.read_csv(truth / "agency_records.csv").filter(pl.col("agency") == agency)
    records = records.with_columns(
        pl.col("file").str.extract(r"_(\d{4})_").cast(pl.Int64).alias("period"),
        pl.col("file").str.extract(r"_(\d{8})\.").alias("extract"),
    ).filter(pl.col("extract") == pl.col("extract").max().over("period"))
    errors = pl.read_csv(truth / "injected_errors.csv").select("file", "row")
    return records.join(errors, on=["file", "row"], how="anti")


def identity(records: pl.DataFrame, truth: Path, warehouse: Path) -> pl.DataFrame:
    """The person the pipeline's linkage put behind each record (`identity`): these tests check
    the counting rules given the links; how right the links are is measured against the true
    persons in tests/linkage/test_ground_truth.py."""
    labelled = labelled_records(warehouse, truth)
    links = labelled.select("file", "sheet", "row", pl.col("predicted").alias("identity"))
    # A file with the bytes of one already read is not read again: its rows are the persons
    # of that earlier file (same agency and period); a person on several rows of one file
    # (police events) is one person record.
    by_person = labelled.select(
        "agency",
        pl.col("file").str.extract(r"_(\d{4})_").cast(pl.Int64).alias("period"),
        pl.col("true").alias("person_id"),
        pl.col("predicted").alias("same_person"),
    ).unique(["agency", "period", "person_id"], keep="first")
    sheet = pl.col("sheet").cast(pl.Utf8).fill_null("")
    found = (
        records.with_columns(sheet)
        .join(links, on=["file", "sheet", "row"], how="left")
        .join(by_person, on=["agency", "period", "person_id"], how="left")
        .with_columns(pl.col("identity").fill_null(pl.col("same_person")))
        .drop("same_person")
    )
    assert found["identity"].null_count() == 0, "every kept record is a person record"
    return found


def test_victims_per_year_match_the_truth(world: tuple[Path, Path, Run]) -> None:
    truth, warehouse, _ = world
    anitp = identity(kept_records(truth, "anitp"), truth, warehouse)
    persons = pl.read_csv(truth / "persons.csv").select("person_id", "sex", "citizenship")
    episodes = (
        pl.read_csv(truth / "victim_identifications.csv")
        .group_by("person_id", "year")
        .agg(pl.col("age").sort_by("identification_date").first(), pl.col("scope").first())
    )
    counted = (
        anitp.unique(["identity", "period"])
        .join(persons, on="person_id")
        .join(episodes, left_on=["person_id", "period"], right_on=["person_id", "year"])
    )
    expected = (
        counted.group_by("period")
        .agg(
            pl.len().alias("victims"),
            (pl.col("sex") == "F").sum().alias("female"),
            (pl.col("age") < 18).sum().alias("children"),
            (pl.col("scope") == "domestic").sum().alias("domestic"),
            (pl.col("citizenship") == "RO").sum().alias("romanian_citizens"),
        )
        .rename({"period": "year"})
        .sort("year")
    )
    got = mart(
        warehouse,
        "SELECT year, victims, female, children, domestic, romanian_citizens "
        "FROM marts.rpt_victims_by_year ORDER BY year",
    )
    assert got.cast(pl.Int64).equals(expected.cast(pl.Int64))


def test_criminal_justice_matches_the_truth(world: tuple[Path, Path, Run]) -> None:
    truth, warehouse, _ = world
    # A police case (and its DIICOT case) for procuring only is not a trafficking case.
    all_cases = pl.read_csv(truth / "cases.csv")
    assert all_cases.filter(pl.col("offence") == "CP213").height > 0
    cases = all_cases.filter(pl.col("offence").is_in(TRAFFICKING))
    case_persons = pl.read_csv(truth / "case_persons.csv")
    police_rows = kept_records(truth, "politie").join(case_persons, on="person_id")
    registered = (
        cases.join(police_rows.select("police_case").unique(), on="police_case")
        .group_by("year")
        .agg(pl.col("police_case").n_unique().alias("police_cases_registered"))
    )
    decisions = pl.read_csv(truth / "prosecutor_decisions.csv", try_parse_dates=True)
    sent = (
        decisions.filter(
            pl.col("decision").is_in(["Rechizitoriu", "Acord de recunoaștere a vinovăției"])
        )
        .join(cases.select("police_case", "prosecutor_case"), on="prosecutor_case")
        .join(case_persons.filter(pl.col("role") == "suspect"), on="police_case")
        .group_by(pl.col("decided").dt.year().alias("year"))
        .agg(pl.col("person_id").n_unique().alias("persons_sent_to_court"))
    )
    court = pl.read_csv(truth / "court_decisions.csv", try_parse_dates=True).filter(
        pl.col("outcome") == "condamnare"
    )
    # Only trafficking offences count: procuring (213) or organised crime (367) alone do not.
    assert court.filter(pl.col("offence").is_in(["CP213", "CP367", "L678-12"])).height > 0
    court = court.filter(pl.col("offence").is_in(TRAFFICKING))
    convicted: dict[str, pl.DataFrame] = {
        "persons_convicted_first_instance": court.filter(pl.col("level") == "fond"),
        "persons_convicted_final": court.filter(pl.col("final")),
    }
    got = mart(warehouse, "SELECT * FROM marts.rpt_criminal_justice_by_year")
    expected: dict[str, dict[int, int]] = defaultdict(dict)
    for row in registered.iter_rows(named=True):
        expected["police_cases_registered"][row["year"]] = row["police_cases_registered"]
    for row in sent.iter_rows(named=True):
        expected["persons_sent_to_court"][row["year"]] = row["persons_sent_to_court"]
    for column, frame in convicted.items():
        for year, n in (
            frame.group_by(pl.col("decision_date").dt.year())
            .agg(pl.col("person_id").n_unique())
            .rows()
        ):
            expected[column][year] = n
    for column, by_year in expected.items():
        observed = {y: n for y, n in zip(got["year"], got[column], strict=True) if n}
        assert observed == by_year, column


def test_county_and_form_tables_add_up(world: tuple[Path, Path, Run]) -> None:
    _, warehouse, _ = world
    national = mart(warehouse, "SELECT sum(victims) AS n FROM marts.rpt_victims_by_year")[
        "n"
    ].item()
    by_form = mart(warehouse, "SELECT sum(victims) AS n FROM marts.rpt_victims_by_form_year")[
        "n"
    ].item()
    counties = mart(warehouse, "SELECT sum(victims) AS n FROM marts.rpt_victims_by_county_year")[
        "n"
    ].item()
    assert by_form == national
    assert 0 < counties <= national


CODELISTS = Path(__file__).parents[2] / "dbt_project" / "seeds" / "codelists"


def counted_victims(truth: Path, warehouse: Path) -> pl.DataFrame:
    """One row per person and year in the register, with the year's first episode's attributes."""
    anitp = identity(kept_records(truth, "anitp"), truth, warehouse)
    persons = pl.read_csv(truth / "persons.csv").select(
        "person_id", "sex", "citizenship", "residence_county"
    )
    episodes = (
        pl.read_csv(truth / "victim_identifications.csv")
        .sort("identification_date")
        .group_by("person_id", "year")
        .agg(pl.col("age").first(), pl.col("main_form").first())
    )
    crosswalk = pl.read_csv(CODELISTS / "codelist_exploitation_form.csv").select(
        pl.col("code").alias("main_form"), "sdg_form", "tip_category"
    )
    return (
        anitp.unique(["identity", "period"])
        .join(persons, on="person_id")
        .join(episodes, left_on=["person_id", "period"], right_on=["person_id", "year"])
        .join(crosswalk, on="main_form", how="left")
        .rename({"period": "year"})
    )


def as_dict(frame: pl.DataFrame, keys: list[str], value: str) -> dict[tuple[Any, ...], int]:
    return {
        tuple(r[k] for k in keys): int(r[value]) for r in frame.iter_rows(named=True) if r[value]
    }


def test_sdg_forms_match_the_truth(world: tuple[Path, Path, Run]) -> None:
    truth, warehouse, _ = world
    counted = counted_victims(truth, warehouse)
    expected = as_dict(
        pl.concat(
            [
                counted.filter(pl.col("sdg_form").is_not_null()).group_by("year", "sdg_form").len(),
                counted.group_by("year").len().with_columns(pl.lit("total").alias("sdg_form")),
            ],
            how="diagonal",
        ),
        ["year", "sdg_form"],
        "len",
    )
    got = mart(
        warehouse,
        "SELECT year, sdg_form, victims FROM marts.rpt_sdg_16_2_2 WHERE sex = 'total' "
        "AND age_group = 'total' AND exploitation_form = 'total'",
    )
    assert as_dict(got, ["year", "sdg_form"], "victims") == expected


def test_girls_and_boys_by_tip_category_match_the_truth(world: tuple[Path, Path, Run]) -> None:
    truth, warehouse, _ = world
    children = counted_victims(truth, warehouse).filter(pl.col("age") < 18)
    got = mart(warehouse, "SELECT * FROM marts.rpt_victims_by_tip_category_year")
    for column, sex in (("girls", "F"), ("boys", "M")):
        expected = as_dict(
            children.filter(pl.col("sex") == sex).group_by("year", "tip_category").len(),
            ["year", "tip_category"],
            "len",
        )
        assert as_dict(got, ["year", "tip_category"], column) == expected, column
    # every generated child has a known sex: girls + boys are all the children of a category
    assert (got["girls"] + got["boys"]).equals(got["children"])


def test_yearly_county_and_citizenship_tables_match_the_truth(
    world: tuple[Path, Path, Run],
) -> None:
    truth, warehouse, _ = world
    counted = counted_victims(truth, warehouse)
    counties = mart(warehouse, "SELECT * FROM marts.rpt_victims_by_county_year")
    assert as_dict(counties, ["year", "county_code"], "victims") == as_dict(
        counted.filter(pl.col("residence_county").is_not_null())
        .group_by("year", "residence_county")
        .len(),
        ["year", "residence_county"],
        "len",
    )
    citizenship = mart(warehouse, "SELECT * FROM marts.rpt_victims_by_citizenship_year")
    assert as_dict(citizenship, ["year", "citizenship_code"], "victims") == as_dict(
        counted.group_by("year", "citizenship").len(), ["year", "citizenship"], "len"
    )


def test_assistance_programme_persons_match_the_truth(world: tuple[Path, Path, Run]) -> None:
    """Each beneficiary is one row of their year's NGO extract (one organisation each), so the
    organisations' persons of a year are the year's kept rows; sex and citizenship are the
    person's own."""
    truth, warehouse, _ = world
    persons = pl.read_csv(truth / "persons.csv").select("person_id", "sex", "citizenship")
    kept = kept_records(truth, "ong").join(persons, on="person_id")
    expected = kept.group_by("period").agg(
        pl.len().alias("persons"),
        (pl.col("sex") == "F").sum().alias("female"),
        (pl.col("citizenship") == "RO").sum().alias("romanian"),
    )
    got = mart(
        warehouse,
        "SELECT year AS period, sum(persons_assisted) AS persons, sum(female) AS female, "
        "sum(romanian_citizens) AS romanian, sum(cases) AS cases "
        "FROM marts.rpt_assistance_programme GROUP BY year",
    )
    assert got.height > 0
    assert as_dict(got, ["period"], "persons") == as_dict(expected, ["period"], "persons")
    assert as_dict(got, ["period"], "female") == as_dict(expected, ["period"], "female")
    assert as_dict(got, ["period"], "romanian") == as_dict(expected, ["period"], "romanian")
    # The generated NGO extracts give no case number: no case is made up.
    assert set(got["cases"].to_list()) == {0}


def test_data_quality_matches_the_truth(world: tuple[Path, Path, Run]) -> None:
    """Rows quarantined are the rows spoiled on purpose (a broken CNP check digit is not
    quarantined: the row stays, without a pseudonym); a person has one sex and birth date in
    the truth, so every cross-agency comparison of them agrees; the days to the first extract
    follow from the files' names. (County is not compared: the generator writes a police or
    DIICOT case's county as each of its persons' residence.)"""
    truth, warehouse, _ = world
    quality = mart(warehouse, "SELECT * FROM marts.rpt_data_quality")
    records = pl.read_csv(truth / "agency_records.csv")
    files = records.select(
        "agency",
        "file",
        pl.col("file").str.extract(r"_(\d{4})_").alias("period"),
        pl.col("file").str.extract(r"_(\d{8})\.").str.to_date("%Y%m%d").alias("extract"),
    ).unique()
    latest = files.filter(pl.col("extract") == pl.col("extract").max().over("agency", "period"))
    errors = (
        pl.read_csv(truth / "injected_errors.csv")
        .filter(pl.col("kind") != "invalid_check_digit")
        .select("file", "sheet", "row")
        .unique()
    )
    spoiled = latest.join(errors, on="file").group_by("agency", "period").len()
    quarantined = quality.filter(pl.col("measure") == "quarantined_share")
    # The courts' re-exports also repeat lines (duplicate_row), which the truth does not list.
    for agency in ("anitp", "politie", "diicot", "ong"):
        assert as_dict(
            quarantined.filter(pl.col("source_agency") == agency), ["period"], "numerator"
        ) == as_dict(spoiled.filter(pl.col("agency") == agency), ["period"], "len"), agency
    agreement = quality.filter(
        pl.col("measure").is_in(["sex_agreement", "birth_year_agreement"]),
        pl.col("denominator") > 0,
    )
    assert agreement.height > 0
    assert agreement["value"].to_list() == [1.0] * agreement.height
    first = files.group_by("agency", "period").agg(pl.col("extract").min())
    days = first.with_columns(
        (pl.col("extract") - pl.date(pl.col("period").cast(pl.Int32), 12, 31))
        .dt.total_days()
        .alias("days")
    )
    timeliness = quality.filter(pl.col("measure") == "days_to_first_extract")
    assert as_dict(timeliness, ["source_agency", "period"], "numerator") == as_dict(
        days, ["agency", "period"], "days"
    )


# The lists of a victim (agency, role in truth/agency_records.csv) -> capture list.
VICTIM_LISTS = {
    ("politie", "victim"): "police",
    ("diicot", "victim"): "diicot",
    ("anitp", "victim"): "anitp",
    ("ong", "assisted_person"): "ngo",
}


def linked_victim_records(truth: Path, warehouse: Path) -> pl.DataFrame:
    """Every victim record the marts count (latest extracts, quarantined rows left out; a CNP
    failing its check digit keeps its row) with the person the linkage put behind it."""
    lists = pl.DataFrame(
        [(agency, role, name) for (agency, role), name in VICTIM_LISTS.items()],
        schema=["agency", "role", "list"],
        orient="row",
    )
    records = (
        pl.read_csv(truth / "agency_records.csv")
        .join(lists, on=["agency", "role"])
        .with_columns(
            pl.col("file").str.extract(r"_(\d{4})_").cast(pl.Int64).alias("period"),
            pl.col("file").str.extract(r"_(\d{8})\.").alias("extract"),
        )
        .filter(pl.col("extract") == pl.col("extract").max().over("agency", "period"))
    )
    errors = pl.read_csv(truth / "injected_errors.csv")
    quarantined = errors.filter(pl.col("kind") != "invalid_check_digit").select("file", "row")
    return identity(records.join(quarantined, on=["file", "row"], how="anti"), truth, warehouse)


def first_year_histories(records: pl.DataFrame) -> pl.DataFrame:
    """One row per person: the year of their earliest record and every list that had them."""
    return records.group_by("identity").agg(
        pl.col("period").min().alias("year"),
        *((pl.col("list") == name).any().alias(name) for name in VICTIM_LISTS.values()),
    )


def test_presumed_victims_and_capture_histories_match_the_truth(
    world: tuple[Path, Path, Run],
) -> None:
    """Given the links, persons split into identified and presumed, and into capture
    histories, as the truth's records say."""
    truth, warehouse, _ = world
    persons = first_year_histories(linked_victim_records(truth, warehouse))
    presumed = as_dict(persons.filter(~pl.col("anitp")).group_by("year").len(), ["year"], "len")
    status = mart(warehouse, "SELECT * FROM marts.rpt_victims_by_status_year")
    assert as_dict(status, ["year"], "presumed") == presumed
    assert as_dict(status, ["year"], "identified") == as_dict(
        counted_victims(truth, warehouse).group_by("year").len(), ["year"], "len"
    )
    assert (status["registered"] == status["identified"] + status["presumed"]).all()

    lists = list(VICTIM_LISTS.values())
    histories = persons.group_by("year", *lists).len()
    got = mart(
        warehouse, "SELECT * FROM marts.rpt_capture_histories WHERE stratum = 'all'"
    ).with_columns(pl.col(name).cast(pl.Boolean) for name in lists)
    assert as_dict(got, ["year", *lists], "persons") == as_dict(histories, ["year", *lists], "len")
    estimates = mart(
        warehouse, "SELECT year, observed FROM marts.rpt_mse_estimates WHERE stratum = 'all'"
    )
    assert as_dict(estimates, ["year"], "observed") == as_dict(
        persons.group_by("year").len(), ["year"], "len"
    )

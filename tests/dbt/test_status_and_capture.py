"""Victims by status, capture histories and MSE rows on the hand-written warehouse
(tests/dbt/fixture.py); expectations worked out by hand from its docstring.

Victims 2020 (latest extracts): K1 police (Jan), DIICOT (Feb), ANITP (Mar, Jun; again in
2021), female child, sexual; N1 ANITP only (no CNP), male adult, labour; K3 ANITP (Nov) and
NGO (Dec), male adult, labour; a police victim without CNP, male adult, sexual. K2 was only
in the superseded ANITP extract. No police, DIICOT or NGO extract covers 2021.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from pipelines.reporting.tables import write_tables

pytestmark = pytest.mark.slow


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_identified_presumed_registered(marts: Path) -> None:
    rows = query(
        marts,
        "SELECT year, identified, presumed, registered FROM marts.rpt_victims_by_status_year "
        "ORDER BY year",
    )
    # 2020: K1, N1, K3 identified; the police victim no ANITP record matches is presumed.
    # 2021: K1 identified again; presumed unknown (no other agency's extract covers 2021).
    assert rows == [(2020, 3, 1, 4), (2021, 1, None, None)]


def test_status_csv_and_eurostat_sheet(marts: Path, tmp_path: Path) -> None:
    write_tables(marts, 2020, 2021, tmp_path, "csv", False)
    with (tmp_path / "victims_by_status.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["year", "identified", "presumed", "registered"],
        ["2020", "3", "1", "4"],
        ["2021", "1", "", ""],
    ]


def test_capture_histories_one_row_per_observed_history(marts: Path) -> None:
    rows = query(
        marts,
        "SELECT stratum, stratum_value, police, diicot, anitp, ngo, persons "
        "FROM marts.rpt_capture_histories WHERE year = 2020",
    )
    expected = {
        ("all", "all", 1, 1, 1, 0, 1),  # K1
        ("all", "all", 0, 0, 1, 0, 1),  # N1
        ("all", "all", 0, 0, 1, 1, 1),  # K3
        ("all", "all", 1, 0, 0, 0, 1),  # the police victim without CNP
        ("sex", "F", 1, 1, 1, 0, 1),
        ("sex", "M", 0, 0, 1, 0, 1),
        ("sex", "M", 0, 0, 1, 1, 1),
        ("sex", "M", 1, 0, 0, 0, 1),
        ("age_group", "child", 1, 1, 1, 0, 1),
        ("age_group", "adult", 0, 0, 1, 0, 1),
        ("age_group", "adult", 0, 0, 1, 1, 1),
        ("age_group", "adult", 1, 0, 0, 0, 1),
        ("exploitation_form", "sexual", 1, 1, 1, 0, 1),
        ("exploitation_form", "labour", 0, 0, 1, 0, 1),
        ("exploitation_form", "labour", 0, 0, 1, 1, 1),
        ("exploitation_form", "sexual", 1, 0, 0, 0, 1),
    }
    assert sorted(rows) == sorted(expected)
    # K1's 2021 registration does not make a 2021 person: a person counts in their first year.
    assert query(marts, "SELECT count(*) FROM marts.rpt_capture_histories WHERE year = 2021") == [
        (0,)
    ]


def test_mse_rows_for_every_stratum_with_an_estimate_or_a_warning(marts: Path) -> None:
    rows = query(
        marts,
        "SELECT stratum, stratum_value, observed, estimate, warning "
        "FROM marts.rpt_mse_estimates WHERE year = 2020",
    )
    observed = {(stratum, value): n for stratum, value, n, _, _ in rows}
    assert observed == {
        ("all", "all"): 4,
        ("sex", "F"): 1,
        ("sex", "M"): 3,
        ("age_group", "child"): 1,
        ("age_group", "adult"): 3,
        ("exploitation_form", "sexual"): 2,
        ("exploitation_form", "labour"): 2,
    }
    for stratum, value, _, estimate, warning in rows:
        assert estimate is not None or warning, (stratum, value)  # never silently empty
    # Women: K1 alone, on police, DIICOT and ANITP: every list holds every case.
    women = next(r for r in rows if r[:2] == ("sex", "F"))
    assert women[3] is None and "holds every case" in women[4]


def test_sdg_table_carries_the_experimental_estimate_on_the_total_row(
    marts: Path, tmp_path: Path
) -> None:
    (estimate,) = query(
        marts,
        "SELECT estimate FROM marts.rpt_mse_estimates WHERE year = 2020 AND stratum = 'all'",
    )[0]
    write_tables(marts, 2020, 2021, tmp_path, "both", False)
    write_tables(marts, 2020, 2021, tmp_path, "csv", True)
    for folder in (tmp_path, tmp_path / "public"):
        with (folder / "sdg_16_2_2.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        totals = [
            r
            for r in rows
            if r["year"] == "2020"
            and r["sex"] == r["age_group"] == r["exploitation_form"] == r["sdg_form"] == "total"
        ]
        assert len(totals) == 1
        others = [r for r in rows if r not in totals and r["year"] == "2020"]
        assert all(r["estimated_total"] == "" for r in others)
        shown = totals[0]["estimated_total"]
        if estimate is None:
            assert shown == ""
        elif folder == tmp_path:
            assert shown == str(round(estimate))
        else:  # 4 persons behind it: fewer than 10, withheld
            assert shown == "[c]"
    book = openpyxl.load_workbook(tmp_path / "unodc_glotip.xlsx", read_only=True)
    items = [row[0] for row in book["metadata"].iter_rows(values_only=True)]
    assert "experimental estimate" in items

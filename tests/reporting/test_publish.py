"""The public release: protected tables, and nothing written when the audit blocks it."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pipelines.reporting import sdc, tables
from tests.dbt.fixture import build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.dbt.conftest import dbt_build

    scratch = tmp_path_factory.mktemp("publish")
    path = scratch / "warehouse.duckdb"
    build(path)
    assert dbt_build(path, scratch).returncode == 0
    return path


def test_public_tables_hide_small_counts_and_round(warehouse: Path, tmp_path: Path) -> None:
    report = tables.write_tables(warehouse, 2020, 2021, tmp_path, "both", True)
    assert report.folder == tmp_path / "public"
    with (tmp_path / "public" / "victims_by_year.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # 3 and 1 victims: small counts, never shown; so neither is any rate derived from them.
    assert [r["victims"] for r in rows] == ["<10", "<10"]
    assert all(r["rate_per_100k"] == "" for r in rows)
    for path in (tmp_path / "public").glob("*.csv"):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            for column, value in row.items():
                if value.isdigit() and column not in ("year", "population"):
                    assert int(value) == 0 or (int(value) >= 10 and int(value) % 5 == 0), (
                        path.name,
                        column,
                    )
    assert {p.name for p in (tmp_path / "public").glob("*.xlsx")} == {
        "greta.xlsx",
        "tip_report.xlsx",
        "eurostat_thb.xlsx",
        "unodc_glotip.xlsx",
    }


def test_blocked_release_writes_nothing(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sdc.protect

    def blocked_jointly(
        table: pl.DataFrame, dims: Sequence[str], count: str, *args: Any, **kwargs: Any
    ) -> sdc.ProtectedTable:
        if kwargs.get("relations"):  # the release's one joint system
            raise sdc.DisclosureError("SDC audit FAILED, release blocked: sdg cell")
        return real(table, dims, count, *args, **kwargs)

    monkeypatch.setattr(sdc, "protect", blocked_jointly)
    with pytest.raises(sdc.DisclosureError):
        tables.write_tables(warehouse, 2020, 2021, tmp_path, "both", True)
    assert not (tmp_path / "public").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no half-written files either


def test_a_count_has_one_published_form_in_every_table(warehouse: Path, tmp_path: Path) -> None:
    """The victims of a year in victims_by_year, the SDG total row and the workbooks' copies."""
    import openpyxl

    tables.write_tables(warehouse, 2020, 2021, tmp_path, "both", True)
    public = tmp_path / "public"
    by_year = {r["year"]: r for r in csv.DictReader((public / "victims_by_year.csv").open())}
    sdg = {
        (r["year"], r["sex"]): r["victims"]
        for r in csv.DictReader((public / "sdg_16_2_2.csv").open())
        if r["age_group"] == "total"
        and r["exploitation_form"] == "total"
        and r["sdg_form"] == "total"
    }
    book = openpyxl.load_workbook(public / "tip_report.xlsx", read_only=True)
    # Below the sheet's title, units and header rows; counts are numbers, markers text.
    rows = book["victims_by_year"].iter_rows(min_row=4, values_only=True)
    tip = {str(r[0]): str(r[1]) for r in rows}
    for year, row in by_year.items():
        assert sdg[year, "total"] == row["victims"] == tip[year]
        assert sdg[year, "F"] == row["female"] and sdg[year, "M"] == row["male"]

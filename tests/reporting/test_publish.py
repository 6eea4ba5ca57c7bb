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

    def blocked_for_sdg(
        table: pl.DataFrame, dims: Sequence[str], count: str, *args: Any, **kwargs: Any
    ) -> sdc.ProtectedTable:
        if "exploitation_form" in dims and "sex" in dims:
            raise sdc.DisclosureError("SDC audit FAILED, release blocked: sdg cell")
        return real(table, dims, count, *args, **kwargs)

    monkeypatch.setattr(sdc, "protect", blocked_for_sdg)
    with pytest.raises(sdc.DisclosureError):
        tables.write_tables(warehouse, 2020, 2021, tmp_path, "both", True)
    assert not (tmp_path / "public").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no half-written files either


def test_unprotectable_workbook_table_is_withheld_not_leaked(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    from pipelines.reporting import publish

    real = publish.protect_long

    def eurostat_cannot_be_protected(
        frame: pl.DataFrame,
        dims: Sequence[str],
        count: str,
        table: str,
        total_over: Sequence[str] = (),
    ) -> pl.DataFrame:
        if table == "eurostat":
            raise sdc.DisclosureError(
                "eurostat: would need to hide a total that another table publishes"
            )
        return real(frame, dims, count, table, total_over)

    monkeypatch.setattr(publish, "protect_long", eurostat_cannot_be_protected)
    tables.write_tables(warehouse, 2020, 2021, tmp_path, "xlsx", True)
    book = openpyxl.load_workbook(tmp_path / "public" / "eurostat_thb.xlsx", read_only=True)
    # Below the sheet's title and units rows: the header (English headings), then the rows.
    rows = list(book["victims_by_form"].iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("Note",) and str(rows[1][0]).startswith("withheld by disclosure control")
    assert next(book["victims_by_citizenship"].iter_rows(min_row=3, values_only=True))[0] == "Year"

"""Workbooks carry the date of their data, never the time of the export."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from pipelines.reporting.workbooks import creation_date, write_workbook

EXTRACTS = pl.DataFrame(
    {
        "source_agency": ["anitp", "politie"],
        "extract_date": [dt.date(2022, 6, 1), dt.date(2021, 1, 10)],
    }
)
SHEETS = {
    "victims_by_year": pl.DataFrame({"year": [2020, 2021], "victims": [12, 0]}),
    "metadata": pl.DataFrame({"item": ["period"], "value": ["2020-2021"]}),
}


@pytest.fixture
def restore_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    monkeypatch.undo()
    time.tzset()


def test_creation_date_is_the_latest_extract(tmp_path: Path) -> None:
    path = tmp_path / "greta.xlsx"
    write_workbook(path, SHEETS, creation_date(EXTRACTS))
    with zipfile.ZipFile(path) as book:
        core = book.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2022-06-01T00:00:00Z<' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2022-06-01T00:00:00Z<' in core


def test_zip_members_carry_excels_fixed_time_not_a_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "greta.xlsx"
    write_workbook(path, SHEETS, creation_date(EXTRACTS))
    with zipfile.ZipFile(path) as book:
        stamps = {member.date_time for member in book.infolist()}
    assert stamps == {(1980, 1, 1, 0, 0, 0)}  # Excel's own fixed member time


def test_same_tables_same_bytes_in_another_time_zone(
    tmp_path: Path, restore_time_zone: pytest.MonkeyPatch
) -> None:
    paths = [tmp_path / "utc" / "greta.xlsx", tmp_path / "kiritimati" / "greta.xlsx"]
    for path in paths:
        path.parent.mkdir()
    write_workbook(paths[0], SHEETS, creation_date(EXTRACTS))
    restore_time_zone.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: another calendar day
    time.tzset()
    write_workbook(paths[1], SHEETS, creation_date(EXTRACTS))
    assert paths[0].read_bytes() == paths[1].read_bytes()

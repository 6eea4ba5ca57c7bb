"""Strict XLSX reading: a header found by name under any title band, cells as text."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import openpyxl
import polars as pl
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900
from openpyxl.workbook.workbook import Workbook

from sources.common.config import EntityConfig
from sources.common.delivery import SOURCE_ROW, UnreadableFileError
from sources.common.landing import LandingFile
from sources.common.text import column_name

HEADER_SEARCH_ROWS = 10
DAYS_1900_TO_1904 = 1462
_UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError)


@contextmanager
def open_workbook(file: LandingFile) -> Iterator[Workbook]:
    """The workbook, or a one-line rejection for anything that is not a readable XLSX."""
    try:
        workbook = openpyxl.load_workbook(file.path, read_only=True, data_only=True)
    except _UNREADABLE as error:
        reason = "not a readable XLSX workbook (truncated or another format)"
        raise UnreadableFileError(f"{reason}: {type(error).__name__}") from None
    try:
        yield workbook
    finally:
        workbook.close()


def cell_text(value: Any, date_system_1904: bool) -> str | None:
    """A cell as delivered text: dates ISO, whole numbers without '.0', text stripped."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        # A serial of a 1904 workbook would be read as a 1900-system day downstream.
        return str(value + DAYS_1900_TO_1904 if date_system_1904 else value)
    if isinstance(value, float):
        return format(value, "f").rstrip("0").rstrip(".")
    text = str(value).strip()
    return text or None


def _names(row: tuple[Any, ...]) -> list[str]:
    return [column_name(str(cell)) if cell is not None else "" for cell in row]


def _find_header(rows: list[tuple[Any, ...]], entity: EntityConfig) -> tuple[int, dict[str, int]]:
    wanted = entity.canonical_columns
    candidates = rows[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(candidates):
        names = _names(row)
        if set(wanted) <= set(names):
            return index, {name: names.index(name) for name in wanted}
    best = max(
        (set(_names(r)) for r in candidates), key=lambda n: len(n & set(wanted)), default=set()
    )
    missing = [c for c, n in zip(entity.columns, wanted, strict=True) if n not in best]
    if len(missing) == len(wanted):
        raise UnreadableFileError(
            f"sheet '{entity.sheet}' has no header with the expected columns "
            f"(e.g. {', '.join(entity.columns[:3])})"
        )
    raise UnreadableFileError(f"sheet '{entity.sheet}' is missing column(s): {', '.join(missing)}")


def read_sheet(workbook: Workbook, entity: EntityConfig) -> pl.DataFrame:
    """One sheet as text rows; `source_row` is the Excel row number."""
    if entity.sheet not in workbook.sheetnames:
        found = ", ".join(workbook.sheetnames)
        raise UnreadableFileError(f"no sheet '{entity.sheet}' (found: {found})")
    is_1904 = workbook.epoch != CALENDAR_WINDOWS_1900
    try:
        rows = list(workbook[entity.sheet].iter_rows(values_only=True))
    except _UNREADABLE as error:
        raise UnreadableFileError(
            f"sheet '{entity.sheet}' cannot be read ({type(error).__name__})"
        ) from None
    header_index, positions = _find_header(rows, entity)
    body = [
        (number, row)
        for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2)
        if any(cell not in (None, "") for cell in row)
    ]
    if not body:
        raise UnreadableFileError(f"sheet '{entity.sheet}' has no data rows after the header")
    columns = [pl.Series(SOURCE_ROW, [number for number, _ in body], dtype=pl.Int64)]
    for name, index in positions.items():
        values = [cell_text(row[index] if index < len(row) else None, is_1904) for _, row in body]
        columns.append(pl.Series(name, values, dtype=pl.Utf8))
    return pl.DataFrame(columns)

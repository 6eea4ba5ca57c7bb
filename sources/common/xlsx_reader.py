"""Strict XLSX reading: a header found by name under any title band, cells as text.

Cells become the text a person would type, so the agency schemas judge XLSX and CSV values
with the same checks:

- dates (cells with a date format) -> ISO `YYYY-MM-DD`, the time of day dropped;
- whole numbers -> digits without `.0` (`42500`), other numbers -> positional decimal
  notation, never an exponent (`0.0000001`, not `1e-07`);
- booleans -> `true` / `false`; text stripped; empty -> null.

Excel serial numbers stored as plain numbers in a date column (the agency reader names
its date columns). In a 1900-system workbook (the default) they stay digits (`43892`; a
fraction, the time of day, is dropped): `schemas.parsers.parse_date` reads digits as a
1900-system serial. In a 1904-system workbook (`wb.epoch` is 1904-01-01) those digits would be
read four years too early, so the reader turns serials (numbers, or digits typed as text)
into ISO dates itself. Cells with a date format are converted by openpyxl with the workbook's
own epoch, so they are right in both systems. Numbers outside date columns (a birth year, an
amount) are never shifted.

Cell values are read by calamine (Rust, many times faster than openpyxl's cell-by-cell parse);
openpyxl opens the workbook for its sheet names, its date system and the formula cells.

A formula cell without a saved result (a workbook written by a program, never opened and saved
in Excel) would read as empty: its row is not read but reported (`formula_without_value`).

Amounts: a number cell in an amount column is written with a decimal comma (`1250000,5`),
because the agency writes amounts in Romanian format, where `1250.125` would mean 1 250 125.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import IO, Any, Protocol, cast

import openpyxl
import polars as pl
import python_calamine
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from schemas.text import column_name, python_whitespace
from schemas.vocabulary import SOURCE_ROW
from sources.common.config import EntityConfig
from sources.common.delivery import ROW_ISSUE_COLUMNS, UnreadableFileError
from sources.common.landing import LandingFile

HEADER_SEARCH_ROWS = 10
FORMULA_WITHOUT_VALUE = "formula_without_value"
EPOCH_1904 = dt.date(1904, 1, 1)
# Digits that `parse_date` would read as a serial day number (same pattern).
_SERIAL_TEXT = re.compile(r"^(\d{2,5})(?:\.0+)?$")
_TEXT_ONLY = frozenset({str, type(None)})
# What openpyxl and zipfile raise on a damaged or foreign file (found by truncating and
# corrupting workbooks): archive, deflate and XML errors, missing parts, bad attribute values.
# SyntaxError covers xml.etree ParseError and lxml's XMLSyntaxError; RuntimeError covers
# zipfile's for a part its directory marks encrypted, and NotImplementedError.
_UNREADABLE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    RuntimeError,
    zlib.error,
    EOFError,
    InvalidFileException,
    SyntaxError,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    python_calamine.CalamineError,
)


@dataclass(frozen=True)
class OpenWorkbook:
    """One workbook open twice: openpyxl for its structure, calamine for its cells."""

    book: Workbook
    cells: python_calamine.CalamineWorkbook


@contextmanager
def open_workbook(file: LandingFile) -> Iterator[OpenWorkbook]:
    """The workbook, or a one-line rejection for anything that is not a readable XLSX."""
    try:
        workbook = openpyxl.load_workbook(file.path, read_only=True, data_only=True)
    except _UNREADABLE as error:
        reason = "not a readable XLSX workbook (truncated or another format)"
        raise UnreadableFileError(f"{reason}: {type(error).__name__}") from None
    try:
        try:
            cells = python_calamine.CalamineWorkbook.from_path(str(file.path))
        except _UNREADABLE as error:
            reason = "not a readable XLSX workbook (truncated or another format)"
            raise UnreadableFileError(f"{reason}: {type(error).__name__}") from None
        with cells:
            yield OpenWorkbook(workbook, cells)
    finally:
        workbook.close()


def is_1904(workbook: Workbook) -> bool:
    return workbook.epoch == CALENDAR_MAC_1904


def cell_text(value: Any) -> str | None:
    """A cell as delivered text: dates ISO, whole numbers without '.0', text stripped."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest exact form; Decimal writes it without an exponent.
        return format(Decimal(repr(value)), "f")
    text = str(value).strip()
    return text or None


def date_cell_text(value: Any, date_system_1904: bool) -> str | None:
    """A date-column cell. A serial stored as a number keeps its whole days (the time of day
    is dropped, as for date cells); in a 1904-system workbook a serial, number or digits,
    becomes an ISO date."""
    serial: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = float(value)
    elif (
        date_system_1904 and isinstance(value, str) and (match := _SERIAL_TEXT.match(value.strip()))
    ):
        serial = float(match[1])
    if serial is None or not math.isfinite(serial) or serial < 0:
        return cell_text(value)
    if not date_system_1904:
        return str(math.floor(serial))
    try:
        return (EPOCH_1904 + dt.timedelta(days=math.floor(serial))).isoformat()
    except OverflowError:  # beyond year 9999: kept as digits, the date check quarantines it
        return str(math.floor(serial))


def amount_cell_text(value: Any) -> str | None:
    """An amount-column cell; a number cell is written with a decimal comma (Romanian form)."""
    text = cell_text(value)
    if isinstance(value, float) and text is not None:
        return text.replace(".", ",")
    return text


def _names(row: list[Any]) -> list[str]:
    return [column_name(str(cell)) if cell is not None else "" for cell in row]


def _find_header(rows: list[list[Any]], entity: EntityConfig) -> tuple[int, dict[str, int]]:
    """The first row (of the first HEADER_SEARCH_ROWS) naming every configured column."""
    wanted = entity.canonical_columns
    candidates = rows[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(candidates):
        names = _names(row)
        if set(wanted) <= set(names):
            duplicates = sorted(
                c for c, n in zip(entity.columns, wanted, strict=True) if names.count(n) > 1
            )
            if duplicates:
                raise UnreadableFileError(
                    f"sheet '{entity.sheet}' has duplicate column(s): {', '.join(duplicates)}"
                )
            return index, {name: names.index(name) for name in wanted}
    # No full header: name the columns missing from the row that comes closest.
    best = max(
        (set(_names(r)) for r in candidates), key=lambda n: len(n & set(wanted)), default=set()
    )
    missing = [c for c, n in zip(entity.columns, wanted, strict=True) if n not in best]
    if len(missing) == len(wanted):
        raise UnreadableFileError(
            f"sheet '{entity.sheet}' has no header with the expected columns in its first "
            f"{HEADER_SEARCH_ROWS} rows (e.g. {', '.join(entity.columns[:3])})"
        )
    raise UnreadableFileError(f"sheet '{entity.sheet}' is missing column(s): {', '.join(missing)}")


class _SheetXml(Protocol):
    """The private members of openpyxl's ReadOnlyWorksheet that reach the sheet's XML (its
    stubs leave private members out)."""

    _shared_strings: list[str]

    def _get_source(self) -> IO[bytes]: ...


def _formula_cells(worksheet: ReadOnlyWorksheet) -> set[tuple[int, int]]:
    """(row, column), 1-based, of every formula cell. The workbook is open with its saved
    results (data_only), which hides whether a cell is a formula: the sheet's XML is parsed
    again for formulas, only when it has any."""
    sheet = cast(_SheetXml, worksheet)
    with sheet._get_source() as source:  # openpyxl's own access to the sheet's XML
        if b"<f" not in source.read():
            return set()
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=False)
        return {
            (cell["row"], cell["column"])
            for _, cells in parser.parse()
            for cell in cells
            if cell["data_type"] == "f"
        }


def _sheet_rows(workbook: OpenWorkbook, sheet: str) -> tuple[list[list[Any]], set[tuple[int, int]]]:
    """Every row of a sheet, row 1 first, empty cells "" (as calamine gives them), and the
    formula cells."""
    if sheet not in workbook.book.sheetnames:
        found = ", ".join(workbook.book.sheetnames)
        raise UnreadableFileError(f"no sheet '{sheet}' (found: {found})")
    try:
        # From A1 (skip_empty_area=False), so a row's index is its Excel row number - 1.
        rows = workbook.cells.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return rows, _formula_cells(workbook.book[sheet])
    except _UNREADABLE as error:
        raise UnreadableFileError(
            f"sheet '{sheet}' cannot be read (damaged workbook: {type(error).__name__})"
        ) from None


def read_sheet(
    workbook: OpenWorkbook,
    entity: EntityConfig,
    *,
    date_columns: Collection[str] = (),
    amount_columns: Collection[str] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One sheet as text rows: `source_row` (the Excel row number) and one Utf8 column per
    configured column, matched by header name in any order; extra columns are ignored. And
    the rows not read (ROW_ISSUE_COLUMNS): formula cells without a saved result.

    `date_columns` / `amount_columns` are canonical column names (see the module docstring).
    """
    unknown = (set(date_columns) | set(amount_columns)) - set(entity.canonical_columns)
    if unknown:  # a programming error in the agency reader, not a file problem
        raise ValueError(f"not columns of {entity.entity}: {', '.join(sorted(unknown))}")
    rows, formulas = _sheet_rows(workbook, entity.sheet or "")
    header_index, positions = _find_header(rows, entity)
    date_system_1904 = is_1904(workbook.book)

    def convert(name: str, value: Any) -> str | None:
        if name in date_columns:
            return date_cell_text(value, date_system_1904)
        if name in amount_columns:
            return amount_cell_text(value)
        return cell_text(value)

    numbers: list[int] = []
    issues: list[tuple[str | None, int, str, str, str]] = []
    kept: list[list[Any]] = []
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        # A row is empty when no cell holds text, extra columns included.
        if _is_blank(row) and not _has_formula(number, formulas):
            continue
        unsaved = [
            name
            for name, index in positions.items()
            if (number, index + 1) in formulas and _is_empty(row, index)
        ]
        if unsaved:
            issues.append(
                (entity.sheet, number, unsaved[0], FORMULA_WITHOUT_VALUE, _unsaved(unsaved))
            )
            continue
        numbers.append(number)
        kept.append(row)
    if not numbers and not issues:
        raise UnreadableFileError(f"sheet '{entity.sheet}' has no data rows after the header")
    frame = pl.DataFrame(
        [pl.Series(SOURCE_ROW, numbers, dtype=pl.Int64)]
        + [
            _column_text(
                name,
                [row[index] if index < len(row) else None for row in kept],
                partial(convert, name),
                # in a 1904-system workbook, digits typed in a date column become dates
                as_typed=not (date_system_1904 and name in date_columns),
            )
            for name, index in positions.items()
        ]
    )
    return frame, pl.DataFrame(issues, schema=ROW_ISSUE_COLUMNS, orient="row")


def _is_blank(row: list[Any]) -> bool:
    """Whether no cell holds text (`cell_text` of every cell is None)."""
    return not any(cell.strip() if isinstance(cell, str) else cell is not None for cell in row)


def _is_empty(row: list[Any], index: int) -> bool:
    return index >= len(row) or row[index] is None or row[index] == ""


def _column_text(
    name: str, cells: list[Any], convert: Callable[[Any], str | None], *, as_typed: bool
) -> pl.Series:
    """A column's cells as text. A column of text cells only, `as_typed`, is stripped at once
    (what `cell_text` does to each); any other goes through `convert` cell by cell."""
    if as_typed and set(map(type, cells)) <= _TEXT_ONLY:
        text = pl.Series(name, cells, dtype=pl.Utf8).str.strip_chars(python_whitespace())
        return text.replace("", None)
    return pl.Series(name, [convert(cell) for cell in cells], dtype=pl.Utf8)


def _has_formula(row_number: int, formulas: set[tuple[int, int]]) -> bool:
    return any(row == row_number for row, _ in formulas)


def _unsaved(columns: list[str]) -> str:
    return (
        f"{', '.join(columns)}: a formula without a saved result (the workbook was not "
        "recalculated and saved in Excel), so the value is unknown"
    )

"""Strict CSV reading: explicit encoding, columns matched by name, ragged rows reported."""

from __future__ import annotations

import csv
import io

import polars as pl

from schemas.text import column_name
from schemas.vocabulary import SOURCE_ROW
from sources.common.config import EntityConfig
from sources.common.delivery import ROW_ISSUE_COLUMNS, UnreadableFileError
from sources.common.landing import LandingFile

_UTF8_BOM = b"\xef\xbb\xbf"
NUL_REASON = "contains NUL bytes: binary data or UTF-16 text, not the agency's text export"


def decode(data: bytes, encoding: str) -> str:
    """Decode strictly; a file in another encoding is rejected, never guessed."""
    if not data.strip():
        raise UnreadableFileError("empty file")
    if encoding == "cp1250" and (data.startswith(_UTF8_BOM) or _is_non_ascii_utf8(data)):
        raise UnreadableFileError("file is UTF-8; this agency delivers Windows-1250")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            f"not valid {encoding} text (byte {error.start} cannot be decoded)"
        ) from None
    # A NUL is never text: the whole file is suspect (UTF-16, a binary dump), not one row.
    if "\x00" in text:
        raise UnreadableFileError(NUL_REASON)
    return text


def _is_non_ascii_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _records(text: str, separator: str) -> list[tuple[int, list[str]]]:
    """(first line number, fields) for each non-blank record; the header is line 1."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as error:
        raise UnreadableFileError(f"CSV structure broken near line {start}: {error}") from None
    return records


def _header_positions(header: list[str], entity: EntityConfig) -> dict[str, int]:
    names = [column_name(h) for h in header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UnreadableFileError(f"duplicate column(s) in the header: {', '.join(duplicates)}")
    missing = [
        c for c, n in zip(entity.columns, entity.canonical_columns, strict=True) if n not in names
    ]
    if len(missing) == len(entity.columns):
        raise UnreadableFileError(
            f"no header with the expected columns (e.g. {', '.join(entity.columns[:3])})"
        )
    if missing:
        raise UnreadableFileError(f"missing column(s): {', '.join(missing)}")
    return {n: names.index(n) for n in entity.canonical_columns}


def read_csv(
    file: LandingFile, entity: EntityConfig, encoding: str, separator: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows as text (one Utf8 column per configured column) and the rows that could not be split.

    Columns are found by header name, in any order; unknown extra columns are ignored.
    """
    text = decode(file.path.read_bytes(), encoding)
    records = _records(text, separator)
    if not records:
        raise UnreadableFileError("empty file")
    (_, header), body = records[0], records[1:]
    positions = _header_positions(header, entity)
    if not body:
        raise UnreadableFileError("no data rows after the header")
    width = len(header)
    last_line, last_fields = body[-1]
    if not text.endswith(("\n", "\r")) and len(last_fields) < width:
        raise UnreadableFileError(
            f"truncated: line {last_line} stops after {len(last_fields)} of {width} fields"
        )
    good = [(line, fields) for line, fields in body if len(fields) == width]
    issues = pl.DataFrame(
        [
            (
                entity.sheet,
                line,
                None,
                "field_count",
                f"row has {len(fields)} fields, the header has {width}",
            )
            for line, fields in body
            if len(fields) != width
        ],
        schema=ROW_ISSUE_COLUMNS,
        orient="row",
    )
    columns = {SOURCE_ROW: pl.Series([line for line, _ in good], dtype=pl.Int64)}
    for name, index in positions.items():
        values = [fields[index].strip() or None for _, fields in good]
        columns[name] = pl.Series(values, dtype=pl.Utf8)
    return pl.DataFrame(columns), issues

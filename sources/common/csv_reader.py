"""Strict CSV reading: explicit encoding, columns matched by name, ragged rows reported."""

from __future__ import annotations

import csv
import io
import re

import polars as pl

from schemas.text import column_name, python_whitespace
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


def _records(text: str, separator: str) -> pl.DataFrame:
    """(line, fields) for each non-blank record, where line is the record's first line (the
    header is line 1) and fields its values unquoted and stripped, as Python's `csv` module
    and `str.strip` give them."""
    records = _single_line_records(text, separator)
    if records is None:
        records = _python_records(text, separator)
    stripped = pl.col("fields").list.eval(pl.element().str.strip_chars(python_whitespace()))
    return records.with_columns(stripped).filter(
        pl.col("fields").list.eval(pl.element() != "").list.any()
    )


def _single_line_records(text: str, separator: str) -> pl.DataFrame | None:
    """The records split column-wise by polars, when every line is one whole record (no line
    end inside quotes, `\r` only before `\n`, every quote opening or closing a field, no
    line longer than `csv`'s field limit); None otherwise."""
    if text.count("\r") != text.count("\r\n"):
        return None
    lines = pl.Series("line", text.split("\n")).str.strip_suffix("\r")
    sep = re.escape(separator)
    field = f'(?:"(?:[^"]|"")*"|[^{sep}"]*)'
    whole = lines.str.contains(f"^{field}(?:{sep}{field})*$")
    if not whole.all() or (lines.str.len_chars() > csv.field_size_limit()).any():
        return None
    fields = (separator + lines).str.extract_all(f"{sep}{field}")
    # A quoted field loses its quotes and its doubled quotes; an unquoted one has none.
    unquoted = (
        pl.element()
        .str.slice(1)
        .str.strip_prefix('"')
        .str.strip_suffix('"')
        .str.replace_all('""', '"', literal=True)
    )
    return pl.DataFrame(
        {"line": pl.int_range(1, len(lines) + 1, eager=True), "fields": fields}
    ).with_columns(pl.col("fields").list.eval(unquoted))


def _python_records(text: str, separator: str) -> pl.DataFrame:
    """Any other file, record by record with Python's `csv` module (strict quoting)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    lines: list[int] = []
    records: list[list[str]] = []
    start = 1
    try:
        for fields in reader:
            lines.append(start)
            records.append(fields)
            start = reader.line_num + 1
    except csv.Error as error:
        raise UnreadableFileError(f"CSV structure broken near line {start}: {error}") from None
    return pl.DataFrame(
        {"line": lines, "fields": records},
        schema={"line": pl.Int64, "fields": pl.List(pl.Utf8)},
    )


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
    if records.is_empty():
        raise UnreadableFileError("empty file")
    header, body = records["fields"][0].to_list(), records.slice(1)
    positions = _header_positions(header, entity)
    if body.is_empty():
        raise UnreadableFileError("no data rows after the header")
    width = len(header)
    body = body.with_columns(pl.col("fields").list.len().alias("count"))
    last_line, last_count = body.row(-1)[0], body["count"][-1]
    if not text.endswith(("\n", "\r")) and last_count < width:
        raise UnreadableFileError(
            f"truncated: line {last_line} stops after {last_count} of {width} fields"
        )
    issues = body.filter(pl.col("count") != width).select(
        pl.lit(entity.sheet, pl.Utf8).alias("sheet"),
        pl.col("line").alias(SOURCE_ROW),
        pl.lit(None, pl.Utf8).alias("column_name"),
        pl.lit("field_count").alias("rule"),
        pl.format("row has {} fields, the header has {}", "count", pl.lit(width)).alias("reason"),
    )
    rows = body.filter(pl.col("count") == width).select(
        pl.col("line").alias(SOURCE_ROW),
        *(
            pl.col("fields").list.get(index).replace("", None).alias(name)
            for name, index in positions.items()
        ),
    )
    return rows, issues.cast(pl.Schema(ROW_ISSUE_COLUMNS))

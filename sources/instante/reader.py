"""Court decisions: JSON Lines, UTF-8, nested objects, absent keys, repeated lines."""

from __future__ import annotations

import json

import polars as pl

from sources.common.config import load_config
from sources.common.dates import parse_date
from sources.common.delivery import (
    ROW_ISSUE_COLUMNS,
    SOURCE_ROW,
    DeliveredTable,
    Delivery,
    UnreadableFileError,
)
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp, pseudonymise_name

AGENCY = "instante"


def _text(value: object) -> str | None:
    """JSON scalar -> text as delivered: true/false, integers without '.0'."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _flatten(record: dict[str, object], columns: tuple[str, ...]) -> dict[str, str | None]:
    flat: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{inner}": v for inner, v in value.items()})
        else:
            flat[key] = value
    return {column: _text(flat.get(column)) for column in columns}


def _lines(file: LandingFile) -> list[str]:
    data = file.path.read_bytes()
    if not data.strip():
        raise UnreadableFileError("empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(f"not valid UTF-8 text (byte {error.start})") from None
    return text.splitlines()


def read(file: LandingFile, key: bytes) -> Delivery:
    entity = load_config(AGENCY).entity("decisions")
    lines = _lines(file)
    records: list[dict[str, str | None]] = []
    rows: list[int] = []
    issues: list[tuple[str | None, int, str | None, str, str]] = []
    last = max(i for i, line in enumerate(lines, start=1) if line.strip())
    ends_cleanly = file.path.read_bytes().endswith(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if number == last and not ends_cleanly:
                raise UnreadableFileError(f"truncated: line {number} stops mid-object") from None
            issues.append((None, number, None, "invalid_json", f"line {number} is not valid JSON"))
            continue
        if not isinstance(record, dict):
            issues.append(
                (None, number, None, "invalid_json", f"line {number} is not a JSON object")
            )
            continue
        records.append(_flatten(record, entity.columns))
        rows.append(number)
    frame = pl.DataFrame(records, schema={c: pl.Utf8 for c in entity.columns}, orient="row")
    frame = frame.with_columns(pl.Series(SOURCE_ROW, rows, dtype=pl.Int64)).select(
        SOURCE_ROW, *entity.columns
    )
    birth_date = parse_date(pl.col("inculpat_data_nasterii"))
    frame = pseudonymise_cnp(frame, "inculpat_cnp", key)
    frame = pseudonymise_name(frame, ["inculpat_nume"], birth_date, birth_date.dt.year(), key)
    row_issues = pl.DataFrame(issues, schema=ROW_ISSUE_COLUMNS, orient="row")
    return Delivery(file, [DeliveredTable(entity.entity, entity.sheet, frame)], row_issues)

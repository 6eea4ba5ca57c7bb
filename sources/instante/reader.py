"""Court decisions (CSM export): JSON Lines, UTF-8, nested objects, absent keys, repeated lines.

Lines are read in batches and handed to polars' JSON decoder with a fixed schema of
text fields, so no Python code runs per value: a JSON number arrives as plain text
(`84.0` -> `84`, `1.5e3` -> `1500`), a boolean as `true`/`false`, an absent key as
null, and keys not in `source.yaml` are skipped. Only a line the decoder refuses is
looked at on its own, to say what is wrong with it without quoting it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import TypeAlias

import polars as pl

from schemas.parsers import parse_date
from schemas.text import column_name
from schemas.vocabulary import SOURCE_ROW
from sources.common.config import EntityConfig, load_config
from sources.common.csv_reader import NUL_REASON
from sources.common.delivery import (
    ROW_ISSUE_COLUMNS,
    DeliveredTable,
    Delivery,
    UnreadableFileError,
)
from sources.common.hygiene import finish
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp, pseudonymise_name

AGENCY = "instante"
# Keys the courts may leave out: a placeholder word there means absent (sources.common.hygiene).
OPTIONAL = (
    "dosar_parchet",
    "data_inregistrare",
    "inculpat_sex",
    "inculpat_data_nasterii",
    "pedeapsa_tip",
    "pedeapsa_durata_luni",
    "pedeapsa_suspendare",
    "pedeapsa_amenda_lei",
    "confiscare_lei",
    "despagubiri_lei",
    "numar_victime",
)
BATCH_LINES = 20_000  # bounds the Python strings alive at once; small batches decode faster
INVALID_JSON = "invalid_json"
INVALID_STRUCTURE = "invalid_structure"
_BOM = "\ufeff"
_LINE, _OBJECT, _POSITION = "_line", "_object", "_position"

KeyPath = tuple[str, ...]
Issue = tuple[str | None, int, str | None, str, str]


def _paths(entity: EntityConfig) -> list[KeyPath]:
    return [tuple(column.split(".")) for column in entity.columns]


# The dotted paths as nested keys; a leaf has no children.
_Tree: TypeAlias = dict[str, "_Tree"]


def _schema(paths: list[KeyPath]) -> pl.Struct:
    """The JSON object as a polars struct: every leaf is text, dotted paths nest."""
    tree: _Tree = {}
    for path in paths:
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = {}

    def build(node: _Tree) -> pl.Struct:
        return pl.Struct({k: build(sub) if sub else pl.Utf8 for k, sub in node.items()})

    return build(tree)


def _field(path: KeyPath) -> pl.Expr:
    """One leaf as a stripped text column named like a delivered header; empty -> null."""
    value = pl.col(_OBJECT)
    for part in path:
        value = value.struct.field(part)
    text = value.str.strip_chars()
    return pl.when(text != "").then(text).alias(column_name(".".join(path)))


def _batches(file: LandingFile) -> Iterator[tuple[int, list[str]]]:
    """(number of the first line, lines with their line ends). Decoding is strict UTF-8.

    newline="" splits on LF, CRLF and CR alike but on nothing else: JSON strings may hold
    U+2028 or NEL unescaped, which str.splitlines() would wrongly treat as line ends.
    """
    with file.path.open(encoding="utf-8", errors="strict", newline="") as handle:
        first = 1
        while batch := list(itertools.islice(handle, BATCH_LINES)):
            if first == 1:
                batch[0] = batch[0].removeprefix(_BOM)
            # As for CSV: a NUL is never text, the file is rejected (UTF-16, binary data).
            if any("\x00" in line for line in batch):
                raise UnreadableFileError(NUL_REASON)
            yield first, batch
            first += len(batch)


def _decode(lines: pl.Series, schema: pl.Struct) -> tuple[list[pl.Series], list[int]]:
    """Decoded objects of the lines the decoder accepts, and the positions of those it refuses.

    The decoder fails a whole batch for one bad line, so a failing batch is halved until
    the bad lines stand alone: one pass for a clean file, about log2(batch) more per bad line.
    """
    try:
        return [lines.str.json_decode(schema)], []
    except pl.exceptions.ComputeError:
        if lines.len() == 1:
            return [], [0]
    half = lines.len() // 2
    left, bad_left = _decode(lines.head(half), schema)
    right, bad_right = _decode(lines.slice(half), schema)
    return left + right, bad_left + [half + position for position in bad_right]


def _not_a_number(constant: str) -> float:
    raise ValueError(f"{constant} is not JSON")


def _problem(number: int, line: str, paths: list[KeyPath]) -> Issue:
    """Why the decoder refused a line, in words that never quote the line (it holds CNPs)."""
    try:
        value = json.loads(line, parse_constant=_not_a_number)
    except ValueError:  # JSONDecodeError, or NaN / Infinity
        return (None, number, None, INVALID_JSON, f"line {number} is not valid JSON")
    if not isinstance(value, dict):
        return (None, number, None, INVALID_JSON, f"line {number} is not a JSON object")
    for path in paths:
        node: object = value
        for depth, part in enumerate(path, start=1):
            node = node.get(part) if isinstance(node, dict) else None
            key = ".".join(path[:depth])
            if depth < len(path) and node is not None and not isinstance(node, dict):
                reason = f"line {number}: '{key}' should be an object with keys"
                return (None, number, column_name(key), INVALID_STRUCTURE, reason)
            if depth == len(path) and isinstance(node, dict | list):
                reason = f"line {number}: '{key}' should be a single value, not an object or list"
                return (None, number, column_name(key), INVALID_STRUCTURE, reason)
    reason = f"line {number} holds a value that cannot be read (e.g. a number out of range)"
    return (None, number, None, INVALID_JSON, reason)


def _read_batch(
    first: int, lines: list[str], paths: list[KeyPath], schema: pl.Struct
) -> tuple[pl.DataFrame, list[Issue]]:
    numbered = (
        pl.DataFrame({_LINE: lines}, schema={_LINE: pl.Utf8})
        .with_row_index(SOURCE_ROW, offset=first)
        .with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))
        .filter(pl.col(_LINE).str.strip_chars() != "")
        .with_row_index(_POSITION)
    )
    decoded, bad = _decode(numbered[_LINE], schema)
    refused = numbered.filter(pl.col(_POSITION).is_in(bad))
    issues = [_problem(n, line, paths) for n, line in refused.select(SOURCE_ROW, _LINE).rows()]
    objects = pl.concat(decoded) if decoded else pl.Series(_OBJECT, [], dtype=schema)
    rows = numbered.filter(~pl.col(_POSITION).is_in(bad)).select(SOURCE_ROW, objects.alias(_OBJECT))
    # The line `null` decodes to a null object; any other non-object was refused above.
    for number in rows.filter(pl.col(_OBJECT).is_null())[SOURCE_ROW]:
        issues.append((None, number, None, INVALID_JSON, f"line {number} is not a JSON object"))
    flat = rows.filter(pl.col(_OBJECT).is_not_null()).select(
        SOURCE_ROW, *[_field(path) for path in paths]
    )
    return flat, issues


def _undecodable(file: LandingFile) -> str:
    """The one-line reason for a file that is not UTF-8 (only read again on this path)."""
    data = file.path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        if error.reason == "unexpected end of data" and error.end == len(data):
            return f"truncated: the last line ({line}) stops inside a character"
        return f"not valid UTF-8 text (line {line}, byte {error.start}); the courts deliver UTF-8"
    return "not valid UTF-8 text"


def read(file: LandingFile, key: bytes) -> Delivery:
    entity = load_config(AGENCY).entity("decisions")
    paths = _paths(entity)
    schema = _schema(paths)
    frames: list[pl.DataFrame] = []
    issues: list[Issue] = []
    last_number, last_line = 0, ""
    try:
        for first, lines in _batches(file):
            frame, batch_issues = _read_batch(first, lines, paths, schema)
            frames.append(frame)
            issues += batch_issues
            last_number, last_line = first + len(lines) - 1, lines[-1]
    except UnicodeDecodeError:
        raise UnreadableFileError(_undecodable(file)) from None
    if not any(frame.height for frame in frames) and not issues:
        raise UnreadableFileError("empty file")
    # A last line without a line end that does not parse was cut off in transfer: the
    # file is incomplete as a whole, not one bad row. (With a line end it is one bad row.)
    if last_line.strip() and not last_line.endswith(("\n", "\r")):
        try:
            json.loads(last_line)
        except json.JSONDecodeError:
            raise UnreadableFileError(
                f"truncated: the last line ({last_number}) stops mid-object, with no line end"
            ) from None
    rows = pl.concat(frames)
    birth_date = parse_date(pl.col("inculpat_data_nasterii"))
    rows = pseudonymise_cnp(rows, "inculpat_cnp", key)
    rows = pseudonymise_name(rows, ["inculpat_nume"], birth_date, birth_date.dt.year(), key)
    rows = finish(rows, OPTIONAL)
    row_issues = pl.DataFrame(
        sorted(issues, key=lambda i: i[1]), schema=ROW_ISSUE_COLUMNS, orient="row"
    )
    return Delivery(file, [DeliveredTable(entity.entity, entity.sheet, rows)], row_issues)

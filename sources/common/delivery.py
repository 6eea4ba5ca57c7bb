"""What a reader hands over: pseudonymised text rows, with their position in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from schemas.vocabulary import SOURCE_ROW
from sources.common.landing import LandingFile

ROW_ISSUE_COLUMNS = {
    "sheet": pl.Utf8,
    SOURCE_ROW: pl.Int64,
    "column_name": pl.Utf8,
    "rule": pl.Utf8,
    "reason": pl.Utf8,
}


class UnreadableFileError(Exception):
    """The whole file cannot be read; the message is the one-line reason (no personal data)."""


@dataclass(frozen=True)
class DeliveredTable:
    """Rows of one entity as delivered.

    `rows` has `source_row` (the row number a person sees: CSV line with the
    header as line 1, Excel row, JSONL line) and one Utf8 column per delivered
    column, named by `schemas.text.column_name`. Identifier columns are
    already replaced by pseudonyms (`cnp_key`, `cnp_status`, `name_*_key`).
    """

    entity: str
    sheet: str | None
    rows: pl.DataFrame


@dataclass(frozen=True)
class Delivery:
    """Everything read from one file.

    `row_issues` lists rows that could not even be split into columns (wrong
    field count, broken JSON line); they count as read and go to quarantine.
    """

    file: LandingFile
    tables: list[DeliveredTable]
    row_issues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ROW_ISSUE_COLUMNS))

    def rows_read(self) -> int:
        return sum(t.rows.height for t in self.tables) + self.row_issues.height

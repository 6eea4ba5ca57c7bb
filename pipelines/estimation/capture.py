"""Capture-history tables: one 0/1 column per list and a last column with the count.

A table is read whole and checked before any model sees it, so that a malformed file or a
table that cannot say anything about the hidden population gets one clear line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MAX_LISTS = 12  # 2^12 - 1 cells; beyond that the tables are too sparse to model anyway


class TableError(ValueError):
    """A capture-history file that cannot be read as a table: one line for the user."""


class DegenerateTableError(ValueError):
    """A well-formed table from which no population estimate can be made."""


@dataclass(frozen=True)
class CaptureTable:
    """Counts of every observable capture history (2^t - 1 cells, all-zero history excluded).

    Cell k (k = 0 .. 2^t - 2) is the history whose bits are the binary digits of k + 1,
    list i being bit i: histories not in the file have count zero.
    """

    lists: tuple[str, ...]
    counts: NDArray[np.int64]

    @property
    def histories(self) -> NDArray[np.int8]:
        return histories(len(self.lists))

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    def with_counts(self, counts: NDArray[np.int64]) -> CaptureTable:
        return CaptureTable(self.lists, counts)


def histories(t: int) -> NDArray[np.int8]:
    """The 2^t - 1 observable histories, one row each, in cell order."""
    codes = np.arange(1, 2**t)
    return ((codes[:, None] >> np.arange(t)) & 1).astype(np.int8)


def read_table(path: Path) -> CaptureTable:
    """Read a capture-history CSV; TableError names the first problem found."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise TableError(f"{path}: cannot be read ({type(error).__name__})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise TableError(f"{path}: needs a header and at least one row")
    header = [name.strip() for name in rows[0]]
    return from_rows(header, rows[1:], str(path))


def from_rows(header: list[str], rows: list[list[str]], where: str) -> CaptureTable:
    """Build a table from a header (lists, then the count) and its data rows."""
    lists = tuple(header[:-1])
    _check_header(header, where)
    counts = np.zeros(2 ** len(lists) - 1, dtype=np.int64)
    for number, row in enumerate(rows, start=2):
        history, count = _parse_row(row, len(lists), f"{where} line {number}")
        code = int(sum(bit << i for i, bit in enumerate(history)))
        if code == 0:
            if count:
                raise TableError(f"{where} line {number}: a case on no list cannot be observed")
            continue
        counts[code - 1] += count
    return CaptureTable(lists, counts)


def _check_header(header: list[str], where: str) -> None:
    lists = header[:-1]
    if len(lists) < 2:
        raise TableError(f"{where}: needs at least two list columns and a count column")
    if len(lists) > MAX_LISTS:
        raise TableError(f"{where}: {len(lists)} lists; at most {MAX_LISTS} are supported")
    if any(not name for name in header):
        raise TableError(f"{where}: a column has no name")
    if len(set(header)) != len(header):
        raise TableError(f"{where}: column names repeat")


def _parse_row(row: list[str], t: int, where: str) -> tuple[list[int], int]:
    cells = [cell.strip() for cell in row]
    if len(cells) != t + 1:
        raise TableError(f"{where}: {len(cells)} values, expected {t + 1}")
    if any(cell not in ("0", "1") for cell in cells[:t]):
        raise TableError(f"{where}: list columns must hold 0 or 1")
    try:
        count = int(cells[t])
    except ValueError:
        raise TableError(f"{where}: the count must be a whole number") from None
    if count < 0:
        raise TableError(f"{where}: the count must not be negative")
    return [int(cell) for cell in cells[:t]], count


def check_informative(table: CaptureTable) -> None:
    """Refuse tables whose lists cannot inform about the cases no list found.

    A list with no case, or holding every case, or with no case in common with any other
    list, makes the hidden figure a pure artefact of the model (Chan, Silverman & Vincent
    2021, on non-overlapping lists), so there is no estimate to give.
    """
    if table.observed == 0:
        raise DegenerateTableError("the table has no cases")
    member = table.histories.astype(np.int64)
    on_list = table.counts @ member
    together = member.T @ (member * table.counts[:, None])
    empty = [name for name, n in zip(table.lists, on_list, strict=True) if n == 0]
    if empty:
        raise DegenerateTableError(f"list {empty[0]} has no case")
    for i, name in enumerate(table.lists):
        if on_list[i] == table.observed:
            raise DegenerateTableError(f"list {name} holds every case: no case is unseen by it")
        if together[i].sum() == together[i, i]:
            raise DegenerateTableError(
                f"list {name} has no case in common with any other list: "
                "the table cannot estimate the hidden population"
            )

"""A number in the report and where it came from.

Every number carries a `Trace`: the mart, an SQL expression over its columns and the row key
(a `[first, last]` pair is a year range), so a reader can run
`SELECT <expr> FROM marts.<mart> WHERE <key>` on the published database and get it back. A
number of the public release also names the protected standard table it was read from (its
published value is rounded or hidden, so the mart gives the exact count behind it).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from pipelines.reporting import sdc

KeyValue = str | int | tuple[int, int]
MARKERS = (sdc.PRIMARY_MARK, sdc.SECONDARY_MARK)


@dataclass(frozen=True)
class Trace:
    mart: str
    expr: str
    key: dict[str, KeyValue]
    table: str | None = None  # the public standard table the value was read from
    column: str | None = None  # its column there
    sql: bool = True  # False: a statistic SQL cannot give (Kaplan-Meier), `expr` describes it

    def where(self) -> str:
        parts = []
        for column, value in self.key.items():
            if isinstance(value, tuple):
                parts.append(f"{column} BETWEEN {value[0]} AND {value[1]}")
            else:
                parts.append(
                    f"{column} = {value!r}" if isinstance(value, str) else f"{column} = {value}"
                )
        return " AND ".join(parts)

    def label(self) -> str:
        found = f"marts.{self.mart}: {self.expr} where {self.where()}"
        return f"{found}; published in {self.table}" if self.table else found

    def attributes(self) -> dict[str, str]:
        key = {c: list(v) if isinstance(v, tuple) else v for c, v in self.key.items()}
        attributes = {
            "data-mart": self.mart,
            "data-expr": self.expr,
            "data-key": json.dumps(key, ensure_ascii=False),
            "data-kind": "sql" if self.sql else "described",
            "title": self.label(),
        }
        if self.table:
            attributes["data-table"] = self.table
        if self.table and self.column:
            attributes["data-column"] = self.column
        return attributes


@dataclass(frozen=True)
class Cell:
    text: str
    value: float | None = None  # the exact number behind `text`
    trace: Trace | None = None
    derived: str | None = None  # how a number computed from traced cells was computed
    classes: tuple[str, ...] = field(default_factory=tuple)

    def attributes(self) -> dict[str, str]:
        attributes = dict(self.trace.attributes()) if self.trace else {}
        if self.value is not None:
            attributes["data-value"] = repr(self.value)
        if self.derived:
            attributes["data-derived"] = self.derived
            attributes.setdefault("title", self.derived)
        return attributes


def text(value: str) -> Cell:
    return Cell(value)


def number(value: object) -> float | None:
    """A count or amount as a number; None for a marker, an empty cell or NaN."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if math.isnan(value) else float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def count(value: object, trace: Trace) -> Cell:
    """A count: the published marker as it is, `–` for unknown (no extract covers it)."""
    if isinstance(value, str) and value in MARKERS:
        return Cell(value, None, trace, classes=("marker",))
    shown = number(value)
    if shown is None:
        return Cell("–", None, trace, classes=("unknown",))
    return Cell(f"{shown:,.0f}", shown, trace)


def decimal(value: object, trace: Trace, digits: int) -> Cell:
    if isinstance(value, str) and value in MARKERS:
        return Cell(value, None, trace, classes=("marker",))
    shown = number(value)
    if shown is None:
        return Cell("–", None, trace, classes=("unknown",))
    return Cell(f"{shown:,.{digits}f}", shown, trace)


def share(part: float | None, whole: float | None, trace: Trace, derived: str) -> Cell:
    """A share in per cent, from two counts; not computable when either is hidden."""
    if part is None or whole is None or whole == 0:
        return Cell("–", None, trace, derived=f"{derived}: not computable", classes=("unknown",))
    return Cell(f"{100 * part / whole:.1f}%", part / whole, trace, derived=derived)


def change(last: float | None, before: float | None, percent: bool) -> Cell:
    """last - before, in points for shares (percent=True) and with the relative change for
    counts."""
    if last is None or before is None:
        return Cell("–", derived="change: a value is hidden or unknown", classes=("unknown",))
    if percent:
        points = 100 * (last - before)
        return Cell(f"{points:+.1f} pt", points, derived="last year - the year before, points")
    diff = last - before
    relative = f" ({100 * diff / before:+.0f}%)" if before else ""
    return Cell(f"{diff:+,.0f}{relative}", diff, derived="last year - the year before")

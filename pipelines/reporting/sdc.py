"""Statistical disclosure control for published count tables.

The rule, in plain words (quoted in the README):

- **Threshold.** A count from 1 to 9 is never published: it is shown as `<10` (primary
  suppression). A zero is a true zero and is published as 0.
- **Rounding.** Every other published count is rounded to the nearest multiple of 5, halves
  up (12 -> 10, 13 -> 15, 25 -> 25). Totals are rounded from the unrounded data, so published
  cells need not add up to published totals.
- **Secondary suppression.** Where a hidden cell could be worked out from the published
  cells and totals, more cells are hidden (shown as `[c]`): in each total that holds a lone
  hidden cell, the smallest other published cell that is not a total (else a total) is hidden.
- **Audit.** Before release an independent check solves, for every hidden cell, the smallest
  and largest value it can take given every published cell *exactly* (ignoring the cover
  rounding gives), every additive relation and only that hidden cells are not negative. The
  release is blocked if any hidden cell's range is narrower than the threshold (10).

A table is a long polars frame: dimension columns (text) and one count column; rows whose
value is `total` in a dimension are the sums over that dimension.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.optimize import linprog

TOTAL = "total"
PRIMARY, SECONDARY, PUBLISHED, UNPUBLISHED = "primary", "secondary", "published", "unpublished"
PRIMARY_MARK, SECONDARY_MARK = "<10", "[c]"


class DisclosureError(Exception):
    """A table cannot be released: the audit found a hidden cell an attacker can narrow down."""


@dataclass(frozen=True)
class AuditResult:
    passed: bool
    ranges: pl.DataFrame  # dims, count, status, lower, upper for each hidden cell

    def failures(self, threshold: int) -> pl.DataFrame:
        return self.ranges.filter((pl.col("upper") - pl.col("lower")) < threshold)


@dataclass(frozen=True)
class ProtectedTable:
    table: pl.DataFrame  # dims, the count, `status`, and `shown` (text as published)
    audit: AuditResult


def round_half_up(values: pl.Expr, base: int) -> pl.Expr:
    return ((values / base) + 0.5).floor().cast(pl.Int64) * base


def constraints(table: pl.DataFrame, dims: Sequence[str]) -> list[tuple[int, list[int]]]:
    """(total row, part rows) for every total a table holds, over any of its dimensions."""
    indexed = table.with_row_index("_i")
    found: list[tuple[int, list[int]]] = []
    for dim in dims:
        others = [d for d in dims if d != dim]
        groups = (
            indexed.group_by(others, maintain_order=True).agg(pl.col("_i"), pl.col(dim))
            if others
            else indexed.select(pl.col("_i").implode(), pl.col(dim).implode())
        )
        for rows, values in zip(groups["_i"].to_list(), groups[dim].to_list(), strict=True):
            totals = [r for r, v in zip(rows, values, strict=True) if v == TOTAL]
            parts = [r for r, v in zip(rows, values, strict=True) if v != TOTAL]
            if len(totals) == 1 and parts:
                found.append((totals[0], parts))
    return found


def _bounds(counts: np.ndarray, status: np.ndarray) -> list[tuple[float, float | None]]:
    """What the attacker knows: published cells exactly, hidden cells only >= 0."""
    return [
        (float(c), float(c)) if s == PUBLISHED else (0.0, None)
        for c, s in zip(counts, status, strict=True)
    ]


def _components(size: int, relations: list[tuple[int, list[int]]]) -> list[list[int]]:
    """Cells linked by any relation, so each group is solved on its own (much smaller LPs)."""
    parent = list(range(size))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for total, parts in relations:
        for part in parts:
            parent[root(part)] = root(total)
    groups: dict[int, list[int]] = {}
    for cell in range(size):
        groups.setdefault(root(cell), []).append(cell)
    return list(groups.values())


def _cell_range(
    cell: int,
    group: list[int],
    relations: list[tuple[int, list[int]]],
    bounds: list[tuple[float, float | None]],
) -> tuple[float, float]:
    position = {c: k for k, c in enumerate(group)}
    rows = [(t, p) for t, p in relations if t in position]
    equality = np.zeros((len(rows), len(group)))
    for k, (total, parts) in enumerate(rows):
        equality[k, position[total]] = 1.0
        equality[k, [position[p] for p in parts]] = -1.0
    system = {"A_eq": equality, "b_eq": np.zeros(len(rows))} if rows else {}
    objective = np.zeros(len(group))
    objective[position[cell]] = 1.0
    local_bounds = [bounds[c] for c in group]
    low = linprog(objective, bounds=local_bounds, method="highs", **system)
    high = linprog(-objective, bounds=local_bounds, method="highs", **system)
    # An unbounded maximum means the attacker cannot cap the cell at all.
    return (low.fun if low.status == 0 else 0.0), (-high.fun if high.status == 0 else float("inf"))


def audit(
    table: pl.DataFrame,
    dims: Sequence[str],
    count: str,
    status: str = "status",
    threshold: int = 10,
) -> AuditResult:
    """Solve each hidden cell's feasible range; pass when none is narrower than `threshold`."""
    counts = table[count].to_numpy().astype(float)
    states = table[status].to_numpy()
    relations = constraints(table, dims)
    bounds = _bounds(counts, states)
    group_of = {c: g for g in _components(len(counts), relations) for c in g}
    hidden = [i for i, s in enumerate(states) if s in (PRIMARY, SECONDARY, UNPUBLISHED)]
    found = [_cell_range(cell, group_of[cell], relations, bounds) for cell in hidden]
    ranges = (
        table[hidden]
        .select(*dims, count, status)
        .with_columns(
            pl.Series("lower", [lo for lo, _ in found], dtype=pl.Float64),
            pl.Series("upper", [hi for _, hi in found], dtype=pl.Float64),
        )
    )
    return AuditResult(all(hi - lo >= threshold for lo, hi in found), ranges)


def _complement(
    relations: list[tuple[int, list[int]]], states: np.ndarray, counts: np.ndarray, cell: int
) -> int | None:
    """The cell to hide with `cell`: the smallest published part (else the total) of its
    relation with the fewest hidden cells."""
    touching = [(t, p) for t, p in relations if cell == t or cell in p]
    touching.sort(key=lambda r: sum(states[i] != PUBLISHED for i in [r[0], *r[1]]))
    for total, parts in touching:
        candidates = [i for i in parts if states[i] == PUBLISHED and counts[i] > 0 and i != cell]
        if not candidates and states[total] == PUBLISHED and total != cell:
            candidates = [total]
        if candidates:
            return min(candidates, key=lambda i: (counts[i], i))
    return None


def protect(
    table: pl.DataFrame,
    dims: Sequence[str],
    count: str,
    threshold: int = 10,
    base: int = 5,
    unpublished: pl.Expr | None = None,
) -> ProtectedTable:
    """Apply the threshold, rounding and secondary suppression; audit the result.

    `unpublished` marks rows that belong to the additive structure but are never shown
    (e.g. an 'unknown' category a table leaves out); they count as hidden in the audit.
    """
    small = pl.col(count).is_between(1, threshold - 1)
    state = pl.when(small).then(pl.lit(PRIMARY)).otherwise(pl.lit(PUBLISHED))
    if unpublished is not None:
        state = pl.when(unpublished).then(pl.lit(UNPUBLISHED)).otherwise(state)
    marked = table.with_columns(state.alias("status"))
    relations = constraints(marked, dims)
    counts = marked[count].to_numpy()
    states = marked["status"].to_numpy().astype(object)
    result = audit(marked, dims, count, threshold=threshold)
    while not result.passed:
        added = False
        failing = (
            result.failures(threshold)
            .join(marked.with_row_index("_i").select(*dims, "_i"), on=list(dims), nulls_equal=True)[
                "_i"
            ]
            .to_list()
        )
        for cell in failing:
            complement = _complement(relations, states, counts, cell)
            if complement is not None and states[complement] == PUBLISHED:
                states[complement] = SECONDARY
                added = True
        marked = marked.with_columns(pl.Series("status", states, dtype=pl.Utf8))
        result = audit(marked, dims, count, threshold=threshold)
        if not added:
            break
    shown = (
        pl.when(pl.col("status") == PRIMARY)
        .then(pl.lit(PRIMARY_MARK))
        .when(pl.col("status") == SECONDARY)
        .then(pl.lit(SECONDARY_MARK))
        .when(pl.col("status") == UNPUBLISHED)
        .then(pl.lit(None, pl.Utf8))
        .otherwise(round_half_up(pl.col(count), base).cast(pl.Utf8))
    )
    return ProtectedTable(marked.with_columns(shown.alias("shown")), result)

"""Statistical disclosure control (SDC) for published count tables.

The rules, in plain words (quoted in the README):

- **Threshold (primary suppression).** A count from 1 to 9 is never published: it is shown
  as `<10`. A zero is published as 0, because in these tables a zero is a true zero (nobody
  in that cell), not a small count that needs hiding. Where a zero itself would say something
  about people (e.g. "every victim from this county is a woman"), use `zeros_are_safe=False`
  and zeros are shown as `<10` too. (Generic rule: counts below `threshold` are shown as
  `<{threshold}`.)
- **Rounding.** Every other published count, totals included, is rounded to the nearest
  multiple of 5 (`base`); a count exactly halfway between two multiples is rounded up. With
  base 5 no whole number is halfway, so: 12 -> 10, 13 -> 15, 25 -> 25, 27 -> 25, 10 -> 10.
  Each total is rounded from its own unrounded count, so the published cells of a row need
  not add up to its published total.
- **Secondary suppression.** Where a hidden cell could be worked out (or narrowed down) from
  the published cells and totals, more cells are hidden and shown as `[c]` (as ONS does).
  For each cell the audit flags, look at the totals it takes part in, starting with the one
  with the fewest hidden cells, and hide that total's published cell with the smallest
  count, a non-total cell before a total (and among totals, the total of the fewest
  relations, so that a count many others add up to, such as a year's victims, is hidden
  last), ties broken by the cells' dimension values (compared as text, in the order of the
  dimensions). When no flagged cell has a published cell left in its own totals, look one
  step further out (the totals of the cells in its totals), then further, within the cells
  linked to it. Then audit again, until it passes.
  A zero is never hidden this way, so `[c]` always stands for a count of at least 10.
- **Audit.** Before release an independent check plays the attacker. The attacker knows every
  published table of the release, these rules, which cells are totals of which (also across
  tables: the same count in several tables is one unknown, a period is the sum of its years,
  a category group is the sum of its forms), and that counts are whole numbers. For every
  hidden cell it finds the smallest and largest value the cell can take: a published count
  shown as v lies anywhere in the counts that round to v (for base 5: v-2 to v+2, never below
  10); a published 0 is exactly 0; `<10` is 1 to 9; `[c]` is at least 10; an unpublished
  count is at least 0. **Protection width: every hidden count (`<10`, `[c]` or unpublished)
  must keep a range (largest minus smallest value) of at least 10** (`PROTECTION_WIDTH`),
  or the release is blocked. The required width is capped at the range the attacker would
  get if every non-zero cell were hidden, since no choice of complements can do better; for
  a `<10` cell that cap is normally 1 to 9, so the attacker learns nothing beyond "<10".

A table is a long polars frame: dimension columns (text) and one whole-number count column.
A row whose value in a dimension is `total` is the sum of the rows that agree with it on
every other dimension and are not `total` in that one (1-D, 2-D, 3-D or more; a table with
no `total` rows has no relations). Further relations can be given explicitly
(`relations=`: row `total` = sum of rows `parts`); `pipelines/reporting/joint.py` uses
them to protect all the tables of a release as one system. Rows marked `unpublished` (e.g.
an 'unknown' remainder) take part in the relations, are never shown, and are protected like
hidden cells (the attacker only knows they are not negative). A missing count (null) is
published empty; the audit treats it as an unknown count of at least 0 that still takes part
in the relations.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import Enum

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import Bounds as VariableBounds
from scipy.optimize import LinearConstraint, milp

# The HiGHS binding scipy's linprog itself uses (no stubs): kept loaded for warm re-solves.
from scipy.optimize._highspy import _core as _highs  # type: ignore[import-not-found]

TOTAL = "total"
PUBLISHED, PRIMARY, SECONDARY, UNPUBLISHED = "published", "primary", "secondary", "unpublished"
PRIMARY_MARK = "<10"  # at the default threshold; Policy.primary_mark is the general form
SECONDARY_MARK = "[c]"
SHOWN, STATUS = "shown", "status"
_RANGE_COLUMNS = ("lower", "upper", "width", "required", "ok")
# The rule's protection width (see the module docstring); README quotes the same number.
PROTECTION_WIDTH = 10
_TOLERANCE = 1e-6


class Span(Enum):
    """How a measured range relates to the attacker's (`_AttackModel.extent`)."""

    EXACT = "exact"
    WITHIN = "within"
    AROUND = "around"


class DisclosureError(Exception):
    """A table cannot be released: some hidden cell can be narrowed down by an attacker."""

    def __init__(self, message: str, audit: AuditResult | None = None) -> None:
        super().__init__(message)
        self.audit = audit


@dataclass(frozen=True)
class Policy:
    """The public parameters of the rules; an attacker is assumed to know them."""

    threshold: int = 10
    base: int = 5
    zeros_are_safe: bool = True

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.base < 1:
            raise ValueError("threshold and base must be at least 1")
        if round_count(self.threshold, self.base) < self.threshold:
            # Otherwise a count at the threshold would be published below it.
            raise ValueError(
                f"base {self.base} rounds {self.threshold} below the threshold {self.threshold}"
            )

    @property
    def primary_mark(self) -> str:
        return f"<{self.threshold}"

    @property
    def smallest_hidden_small(self) -> int:
        """Lowest count a `<threshold` cell can hold: 1, or 0 when zeros are hidden too."""
        return 1 if self.zeros_are_safe else 0

    def shown_interval(self, shown: int) -> tuple[int, int]:
        """Every count that is published as `shown`: those that round to it, none below the
        threshold (smaller counts are never published), and exactly 0 for a published 0."""
        if shown == 0:
            return 0, 0
        low = shown - self.base // 2
        high = shown + (self.base + 1) // 2 - 1  # half up: v + base/2 itself rounds above v
        return max(low, self.threshold), high


def round_count(count: int, base: int) -> int:
    """Nearest multiple of `base`, halves rounded up (base 5: 12 -> 10, 13 -> 15)."""
    return (2 * count + base) // (2 * base) * base


def round_half_up(values: pl.Expr, base: int) -> pl.Expr:
    """`round_count` as a polars expression on a whole-number column."""
    return (2 * values + base) // (2 * base) * base


# --- table model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Constraint:
    """Row `total` equals the sum of rows `parts` (positions in the table), over `dim`."""

    total: int
    parts: tuple[int, ...]
    dim: str

    @property
    def members(self) -> tuple[int, ...]:
        return (self.total, *self.parts)


def cell_keys(table: pl.DataFrame, dims: Sequence[str]) -> list[tuple[str, ...]]:
    """Each row's dimension values as text, in the order of `dims`."""
    return table.select(pl.col(d).cast(pl.String) for d in dims).rows()


def additivity_constraints(table: pl.DataFrame, dims: Sequence[str]) -> list[Constraint]:
    """Every additive relation the table's `total` rows imply.

    A row that is `total` in dimension d equals the sum of the rows that agree with it on all
    other dimensions and are not `total` in d. A row that is `total` in k dimensions yields k
    relations. Rows need not form a full cross product (e.g. each breakdown may have its own
    categories); a `total` with nothing to sum yields no relation. The order depends only on
    the table's content, not on its row order.
    """
    keys = cell_keys(table, dims)
    found: list[Constraint] = []
    for j, dim in enumerate(dims):
        totals: dict[tuple[str, ...], int] = {}
        parts: dict[tuple[str, ...], list[int]] = {}
        for row, key in enumerate(keys):
            rest = key[:j] + key[j + 1 :]
            if key[j] == TOTAL:
                totals[rest] = row
            else:
                parts.setdefault(rest, []).append(row)
        for rest in sorted(totals):
            members = sorted(parts.get(rest, []), key=keys.__getitem__)
            if members:
                found.append(Constraint(totals[rest], tuple(members), dim))
    return found


def is_total_row(key: tuple[str, ...]) -> bool:
    return TOTAL in key


def _validate(table: pl.DataFrame, dims: Sequence[str], count: str) -> None:
    if not dims:
        raise ValueError("a table needs at least one dimension")
    missing = [c for c in [*dims, count] if c not in table.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}")
    reserved = {SHOWN, STATUS, *_RANGE_COLUMNS} & set(table.columns)
    if reserved:
        raise ValueError(f"column names reserved for the output: {sorted(reserved)}")
    if not table.schema[count].is_integer():
        raise TypeError(f"{count} must be a whole-number column, not {table.schema[count]}")
    if table.select(pl.any_horizontal(pl.col(*dims).is_null()).any()).item():
        raise ValueError("dimension columns must not be empty")
    if (table[count] < 0).any():
        raise ValueError(f"{count} has negative counts")
    if table.select(*dims).is_duplicated().any():
        raise ValueError(f"more than one row for the same {list(dims)}")


def _check_additive(
    table: pl.DataFrame, dims: Sequence[str], count: str, relations: Sequence[Constraint]
) -> None:
    """The audit assumes each total is the sum of its parts; refuse tables where it is not.
    With a missing part, a total can only be checked to be at least its known parts."""
    counts = table[count].to_list()
    keys = cell_keys(table, dims)
    for c in [*additivity_constraints(table, dims), *relations]:
        total = counts[c.total]
        known = [counts[p] for p in c.parts if counts[p] is not None]
        complete = len(known) == len(c.parts)
        if total is None or (total == sum(known) if complete else total >= sum(known)):
            continue
        raise ValueError(
            f"{_label(dims, keys[c.total])} is {total} but its known parts over {c.dim} "
            f"add up to {sum(known)}"
        )


def _label(dims: Sequence[str], key: tuple[str, ...]) -> str:
    return ", ".join(f"{d}={v}" for d, v in zip(dims, key, strict=True))


# --- protected table -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ProtectedTable:
    """A table ready for release.

    `table` is what may be published: the input's columns without the count, plus `shown`
    (text: the rounded count, `<10` for primary, `[c]` for secondary suppression, empty for
    unpublished rows) and `status` (`published`, `primary`, `secondary`, `unpublished`).
    `counts` keeps the original counts in memory for checks; it is never to be written.
    """

    table: pl.DataFrame
    dims: tuple[str, ...]
    count_col: str
    policy: Policy
    counts: pl.Series = field(repr=False)
    audit: AuditResult | None = None
    relations: tuple[Constraint, ...] = ()  # explicit, besides the `total` rows
    # Internal: baseline ranges, shared by protect's rounds (see `audit`).
    baseline_cache: dict[tuple[object, ...], dict[int, tuple[float, float]]] = field(
        default_factory=dict, repr=False
    )

    def with_counts(self) -> pl.DataFrame:
        """`table` plus the original counts, for in-memory checks only."""
        return self.table.with_columns(self.counts.alias(self.count_col))

    def constraints(self) -> list[Constraint]:
        """Every relation the attacker knows: the `total` rows' and the explicit ones."""
        return [*additivity_constraints(self.table, self.dims), *self.relations]


def _shown(policy: Policy, count: str) -> pl.Expr:
    return (
        pl.when(pl.col(STATUS) == PRIMARY)
        .then(pl.lit(policy.primary_mark))
        .when(pl.col(STATUS) == SECONDARY)
        .then(pl.lit(SECONDARY_MARK))
        .when(pl.col(STATUS) == UNPUBLISHED)
        .then(pl.lit(None, pl.String))
        .otherwise(round_half_up(pl.col(count), policy.base).cast(pl.String))
    )


def _build(
    frame: pl.DataFrame,
    dims: Sequence[str],
    count: str,
    policy: Policy,
    relations: Sequence[Constraint] = (),
) -> ProtectedTable:
    """`frame` has the count and a `status` column; add `shown` and set the count aside."""
    return ProtectedTable(
        table=frame.with_columns(_shown(policy, count).alias(SHOWN)).drop(count),
        dims=tuple(dims),
        count_col=count,
        policy=policy,
        counts=frame[count],
        relations=tuple(relations),
    )


def suppress_primary(
    table: pl.DataFrame,
    dims: Sequence[str],
    count: str,
    threshold: int = 10,
    base: int = 5,
    unpublished: pl.Expr | None = None,
    *,
    zeros_are_safe: bool = True,
    relations: Sequence[Constraint] = (),
) -> ProtectedTable:
    """Threshold and rounding only, no secondary suppression and no audit.

    Counts from 1 to threshold-1 (and 0 too when `zeros_are_safe` is False) become `primary`;
    rows where `unpublished` is true take part in the relations but are never shown.
    `relations` are additive relations besides the `total` rows (positions in the table).
    """
    policy = Policy(threshold, base, zeros_are_safe)
    if table.schema.get(count) == pl.Null:  # every count missing
        table = table.with_columns(pl.col(count).cast(pl.Int64))
    _validate(table, dims, count)
    _check_relations(table.height, relations)
    _check_additive(table, dims, count, relations)
    small = pl.col(count).is_between(policy.smallest_hidden_small, threshold - 1)
    status = pl.when(small).then(pl.lit(PRIMARY)).otherwise(pl.lit(PUBLISHED))
    if unpublished is not None:
        status = pl.when(unpublished).then(pl.lit(UNPUBLISHED)).otherwise(status)
    return _build(table.with_columns(status.alias(STATUS)), dims, count, policy, relations)


def _check_relations(height: int, relations: Sequence[Constraint]) -> None:
    for c in relations:
        if not c.parts or not all(0 <= r < height for r in c.members) or c.total in c.parts:
            raise ValueError(f"relation {c} does not name distinct rows of the table")


def protect(
    table: pl.DataFrame,
    dims: Sequence[str],
    count: str,
    threshold: int = 10,
    base: int = 5,
    unpublished: pl.Expr | None = None,
    *,
    zeros_are_safe: bool = True,
    min_width: int | None = None,
    complement_width: int | None = None,
    integer: bool = True,
    relations: Sequence[Constraint] = (),
) -> ProtectedTable:
    """Threshold, rounding and secondary suppression, repeated until `audit` passes.

    Each round finds the hidden cells the attacker can narrow too much and hides one
    complement for each (see the module docstring for the choice). Hiding more only widens
    ranges (a published count's interval lies within `[c]`'s), so a cell that passed once
    passes in every later table and is not solved again; a round stops solving a cell once
    it finds the cell's range at least as wide as required, a cell whose linear relaxation
    is already too narrow is not solved in whole numbers, and a cell whose baseline is known
    or whose own bounds are narrower than the rule is asked at once for the width it needs
    (the baseline's, when smaller: `_measure`). The
    returned table's `audit` is every hidden cell's range at its last check: the same
    verdict as `audit()` of the final table, whose ranges are the same or wider, for fewer
    solves.
    Raises `DisclosureError` if a round finds nothing more to hide; that cannot happen in
    theory, because hiding every non-zero cell always passes.
    """
    protected = suppress_primary(
        table,
        dims,
        count,
        threshold,
        base,
        unpublished,
        zeros_are_safe=zeros_are_safe,
        relations=relations,
    )
    rule = _WidthRule.of(protected.policy, min_width, complement_width, integer)
    chooser = _ComplementChooser(protected)
    pending = [i for i, s in enumerate(protected.table[STATUS].to_list()) if s != PUBLISHED]
    last: dict[int, tuple[float, float, float]] = {}
    with _Attacker.of(protected, len(pending)) as attacker:
        while pending:
            found = attacker.measure(protected, pending, rule, exact=False)
            last.update(zip(pending, found, strict=True))
            failing = [row for row, bad in zip(pending, _narrow(found), strict=True) if bad]
            added = chooser.choose(failing) if failing else []
            if failing and not added:
                # Blocked: report the attacker's own ranges, not the relaxation's.
                exact = attacker.measure(protected, failing, rule, exact=True)
                last.update(zip(failing, exact, strict=True))
                break
            if added:
                protected = _with_secondary(protected, added)
                attacker.hide(added, protected.policy)
            pending = sorted({*failing, *added})
    hidden = [i for i, s in enumerate(protected.table[STATUS].to_list()) if s != PUBLISHED]
    result = _result(protected, rule, hidden, [last[row] for row in hidden])
    if not result.passed:
        raise DisclosureError(result.report(), result)
    return replace(protected, audit=result)


def _with_secondary(protected: ProtectedTable, rows: Sequence[int]) -> ProtectedTable:
    statuses = protected.table[STATUS].to_list()
    for row in rows:
        statuses[row] = SECONDARY
    frame = protected.with_counts().with_columns(pl.Series(STATUS, statuses, pl.String))
    frame = frame.drop(SHOWN)
    rebuilt = _build(
        frame, protected.dims, protected.count_col, protected.policy, protected.relations
    )
    return replace(
        rebuilt,
        table=rebuilt.table.select(protected.table.columns),
        baseline_cache=protected.baseline_cache,
    )


class _ComplementChooser:
    """Greedy choice of complementary cells; uses the true counts (the data owner's side)."""

    def __init__(self, protected: ProtectedTable) -> None:
        self.keys = cell_keys(protected.table, protected.dims)
        self.counts = protected.counts.to_list()
        self.status = protected.table[STATUS].to_list()
        self.threshold = protected.policy.threshold
        self.constraints = protected.constraints()
        # A relation's total is hidden only after its parts (`total` rows or explicit).
        self.totals = {c.total for c in protected.relations}
        self.total_of = Counter(c.total for c in self.constraints)
        self.touching: dict[int, list[int]] = {}
        for k, c in enumerate(self.constraints):
            for row in c.members:
                self.touching.setdefault(row, []).append(k)

    def choose(self, failing: Sequence[int]) -> list[int]:
        """One complement per exposed cell; a cell whose relations already got a new hidden
        cell this round waits for the next audit (that cell may be enough). Complements come
        from the cells' own relations; only when none has one left, from further out."""
        return self._one_each(failing, reach=1) or self._one_each(failing, reach=None)

    def _one_each(self, failing: Sequence[int], reach: int | None) -> list[int]:
        added: list[int] = []
        changed: set[int] = set()
        for row in sorted(failing, key=self._order):
            if changed.intersection(self.touching.get(row, [])):
                continue
            pick = self._nearest(row, reach)
            if pick is not None:
                self._hide(pick, added, changed)
        return added

    def _hide(self, row: int, added: list[int], changed: set[int]) -> None:
        self.status[row] = SECONDARY
        added.append(row)
        changed.update(self.touching.get(row, []))

    def _order(self, row: int) -> tuple[int, tuple[str, ...]]:
        return (self.status[row] != PRIMARY, self.keys[row])

    def _candidate_key(self, row: int) -> tuple[bool, int, int, tuple[str, ...]]:
        is_total = is_total_row(self.keys[row]) or row in self.totals
        return (is_total, self.total_of[row] if is_total else 0, self.counts[row], self.keys[row])

    def _candidates(self, rows: Sequence[int]) -> list[int]:
        # Zeros stay published: `[c]` must mean "at least the threshold" to the attacker.
        return [
            r
            for r in rows
            if self.status[r] == PUBLISHED
            and self.counts[r] is not None
            and self.counts[r] >= self.threshold
        ]

    def _hidden_in(self, k: int) -> int:
        return sum(self.status[r] != PUBLISHED for r in self.constraints[k].members)

    def _nearest(self, row: int, reach: int | None) -> int | None:
        """The complement for `row`: from its own relations, fewest hidden cells first; when
        none of them has a cell left to hide, from the relations one step further out (those
        of the cells in its relations), and so on, at most `reach` steps (None: no limit).
        A cell outside its group cannot widen its range, so the search ends there."""
        seen_cells, seen = {row}, set()
        ring = set(self.touching.get(row, []))
        steps = 0
        while ring and (reach is None or steps < reach):
            steps += 1
            for k in sorted(ring, key=lambda k: (self._hidden_in(k), k)):
                candidates = self._candidates(self.constraints[k].members)
                if candidates:
                    return min(candidates, key=self._candidate_key)
            seen |= ring
            cells = {m for k in ring for m in self.constraints[k].members} - seen_cells
            seen_cells |= cells
            ring = {k for m in cells for k in self.touching.get(m, [])} - seen
        return None


# --- audit ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AuditResult:
    """The attacker's range for every hidden cell and whether the release may go ahead.

    `ranges` has the dimensions, `status`, `shown`, `lower`, `upper` (inf when unbounded),
    `width` (upper - lower), `required` and `ok`, one row per hidden cell; it holds no
    original counts. `failing_rows` are the offending cells' positions in the table.
    """

    passed: bool
    ranges: pl.DataFrame
    dims: tuple[str, ...]
    min_width: int
    complement_width: int
    failing_rows: tuple[int, ...]

    def failures(self, min_width: int | None = None) -> pl.DataFrame:
        """The offending cells. `min_width`, if given, must be the one audited with."""
        if min_width is not None and min_width != self.min_width:
            raise ValueError(f"audited with min_width={self.min_width}; run audit() again")
        return self.ranges.filter(~pl.col("ok"))

    @property
    def offending(self) -> list[str]:
        """One readable line per offending cell."""
        return [
            f"{_label(self.dims, tuple(r[d] for d in self.dims))} (shown {r[SHOWN]!r}, "
            f"{r[STATUS]}): an attacker can narrow it to {_span(r['lower'], r['upper'])}, "
            f"width {_number(r['width'])} < required {_number(r['required'])}"
            for r in self.failures().iter_rows(named=True)
        ]

    def report(self) -> str:
        if self.passed:
            return f"SDC audit passed: {self.ranges.height} hidden cells, none can be narrowed"
        return "SDC audit FAILED, release blocked:\n" + "\n".join(
            f"  {line}" for line in self.offending
        )


def _number(value: float) -> str:
    return "inf" if math.isinf(value) else str(int(value))


def _span(lower: float, upper: float) -> str:
    return f"[{_number(lower)}, {_number(upper)}]"


Bounds = list[tuple[float, float | None]]


@dataclass(frozen=True)
class _Group:
    """Cells linked by relations; each hidden cell is solved within its own group only
    (much smaller problems: a table without totals is all one-cell groups)."""

    rows: list[int]
    equalities: sparse.csr_array | None
    position: dict[int, int]  # row in the table -> index in the group


@dataclass(frozen=True)
class _AttackModel:
    """What the attacker knows, read from the published table only."""

    bounds: Bounds
    baseline_bounds: Bounds
    group_of: dict[int, _Group]
    signature: tuple[object, ...]  # everything the baseline ranges depend on
    # One warm-started LP per (group, baseline): a cell's bounds are re-solved from the
    # previous cell's basis, far faster than a fresh solve on a release-wide group.
    solvers: dict[tuple[int, bool], _WarmLP] = field(default_factory=dict)

    @classmethod
    def read(cls, protected: ProtectedTable) -> _AttackModel:
        policy = protected.policy
        table = protected.table
        statuses = table[STATUS].to_list()
        bounds = [
            _known_bounds(policy, status, shown)
            for status, shown in zip(statuses, table[SHOWN].to_list(), strict=True)
        ]
        # Baseline: every published count above 0 hidden as `[c]`; zeros and `<10` remain.
        as_secondary = _known_bounds(policy, SECONDARY, None)
        baseline = [
            as_secondary if status == PUBLISHED and bound[0] > 0 else bound
            for status, bound in zip(statuses, bounds, strict=True)
        ]
        constraints = protected.constraints()
        groups = _groups(table.height, constraints)
        signature = (tuple(baseline), tuple((c.total, c.parts) for c in constraints))
        group_of = {row: g for g in groups for row in g.rows}
        return cls(bounds, baseline, group_of, signature)

    def hide(self, rows: Sequence[int], policy: Policy) -> None:
        """Published cells now hidden as `[c]`: their bounds widen, also in the problems
        already loaded, which HiGHS re-solves from their last basis. Nothing else of what
        the attacker knows changes, and whole-number points seen stay points."""
        low, high = _known_bounds(policy, SECONDARY, None)
        cells: dict[int, list[int]] = {}  # id of a group -> positions in it
        for row in rows:
            self.bounds[row] = (low, high)
            group = self.group_of[row]
            cells.setdefault(id(group), []).append(group.position[row])
        for key, positions in cells.items():
            if (solver := self.solvers.get((key, False))) is not None:
                solver.widen(positions, low, high)

    def narrower_than(self, row: int, width: float) -> bool:
        """Whether the cell's own bounds are narrower than `width` (a `<10` cell's 1..9)."""
        low, high = self.bounds[row]
        return high is not None and high - low < width

    def extent(
        self, row: int, *, baseline: bool, integer: bool, enough: float = math.inf
    ) -> tuple[float, float, Span]:
        """Smallest and largest whole value of the cell (the largest may be inf): EXACT.

        With `enough`, two shortcuts for `protect`'s rounds, which only ask whether the range
        is at least `enough` wide. WITHIN: the whole-number points found so far in the
        cell's group already give it values that far apart (they come free with the other
        cells' solves); the range they span lies within the attacker's. AROUND: the linear
        relaxation's range, rounded inward, is narrower; the attacker's lies within it, so
        the whole-number solves that would settle it exactly are not needed."""
        bounds = self.baseline_bounds if baseline else self.bounds
        group = self.group_of[row]
        if group.equalities is None:
            low, high = bounds[row]
            return float(low), math.inf if high is None else float(high), Span.EXACT
        at = group.position[row]
        solver = self.solvers.get((id(group), baseline))
        if solver is None:
            local = [bounds[r] for r in group.rows]
            solver = self.solvers[id(group), baseline] = _WarmLP(group, local)
        if solver.reached_high[at] - solver.reached_low[at] >= enough:
            return float(solver.reached_low[at]), float(solver.reached_high[at]), Span.WITHIN
        lowest, highest = solver.relaxed_range(at)
        if not math.isinf(enough) and -highest[0] - lowest[0] < enough:
            return lowest[0], -highest[0], Span.AROUND
        low = _solve(at, 1.0, integer, solver, lowest)
        if solver.reached_high[at] - low >= enough:
            return low, float(solver.reached_high[at]), Span.WITHIN
        return low, -_solve(at, -1.0, integer, solver, highest), Span.EXACT


def _groups(n: int, constraints: Sequence[Constraint]) -> list[_Group]:
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for c in constraints:
        for part in c.parts:
            parent[root(part)] = root(c.total)
    members: dict[int, list[int]] = {}
    for row in range(n):
        members.setdefault(root(row), []).append(row)
    linked: dict[int, list[Constraint]] = {}
    for c in constraints:
        linked.setdefault(root(c.total), []).append(c)
    return [
        _Group(rows, _equalities(linked.get(key, []), rows), {r: k for k, r in enumerate(rows)})
        for key, rows in members.items()
    ]


_UNBOUNDED = (_highs.HighsModelStatus.kUnbounded, _highs.HighsModelStatus.kUnboundedOrInfeasible)


class _WarmLP:
    """The linear relaxation of one group, kept loaded in HiGHS (scipy's bundled binding,
    the engine behind `linprog(method="highs")`) and re-solved per objective."""

    def __init__(self, group: _Group, bounds: Bounds) -> None:
        assert group.equalities is not None
        matrix = sparse.csc_array(group.equalities)
        lp = _highs.HighsLp()
        lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
        lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        lp.col_cost_ = np.zeros(lp.num_col_)
        lp.col_lower_ = np.array([float(low) for low, _ in bounds])
        # HiGHS takes its own large number for infinity, not inf.
        lp.col_upper_ = np.array([_highs.kHighsInf if h is None else float(h) for _, h in bounds])
        lp.row_lower_ = lp.row_upper_ = np.zeros(lp.num_row_)
        self.highs = _loaded(lp)
        self.lp = lp
        self.whole: _highs._Highs | None = None  # the integer program, made when needed
        # For the exact check of a whole-number point (`_whole_point`).
        self.matrix = sparse.csr_array(matrix.astype(np.int64))
        self.lower = np.array(lp.col_lower_, dtype=float)
        upper = np.asarray(lp.col_upper_, dtype=float)
        self.upper = np.where(upper >= _highs.kHighsInf, np.inf, upper)
        # Per cell, the smallest and largest value of the whole-number points seen so far:
        # one that reaches a cell's own bound is that cell's optimum, without a solve.
        self.reached_low = np.full(lp.num_col_, np.inf)
        self.reached_high = np.full(lp.num_col_, -np.inf)
        # The last cell's relaxed range, until the problem widens: `_measure` asks again for
        # a cell found too narrow for the rule but wide enough against its baseline.
        self.last_range: tuple[int, Relaxed, Relaxed] | None = None

    def relaxed_range(self, at: int) -> tuple[Relaxed, Relaxed]:
        """`_relaxed` of the cell downwards and upwards."""
        if self.last_range is None or self.last_range[0] != at:
            self.last_range = (at, _relaxed(at, 1.0, self), _relaxed(at, -1.0, self))
        return self.last_range[1], self.last_range[2]

    def widen(self, cells: Sequence[int], low: float, high: float | None) -> None:
        """New, wider bounds for `cells` (a hidden complement's)."""
        upper = _highs.kHighsInf if high is None else float(high)
        for at in cells:
            self.highs.changeColBounds(at, float(low), upper)
        self.lower[cells] = low
        self.upper[cells] = math.inf if high is None else high
        self.lp.col_lower_ = self.lower
        self.lp.col_upper_ = np.where(np.isinf(self.upper), _highs.kHighsInf, self.upper)
        self.whole = None  # the integer program is loaded again, from `lp`, when needed
        self.last_range = None

    def known_minimum(self, at: int, sign: float) -> float | None:
        """min of sign * x[at] when a whole-number point seen reaches the cell's own bound
        (no point of the group can go beyond it); None otherwise."""
        if sign > 0 and self.reached_low[at] <= self.lower[at]:
            return float(self.lower[at])
        if sign < 0 and self.reached_high[at] >= self.upper[at]:
            return -float(self.upper[at])
        return None

    def remember(self, point: np.ndarray) -> None:
        """Keep the reach of `point` if it is, exactly, a whole-number point of the group."""
        whole = np.round(point)
        if self._is_whole_point(whole):
            np.minimum(self.reached_low, whole, out=self.reached_low)
            np.maximum(self.reached_high, whole, out=self.reached_high)

    def _is_whole_point(self, whole: np.ndarray) -> bool:
        return not (self.matrix @ whole.astype(np.int64)).any() and bool(
            np.all((whole >= self.lower) & (whole <= self.upper))
        )

    def minimum(self, at: int, sign: float) -> tuple[float, np.ndarray] | None:
        """min of sign * x[at] and the optimal point; None when unbounded."""
        return _minimum(self.highs, at, sign)

    def integer_minimum(self, at: int, sign: float, relaxed: tuple[float, np.ndarray]) -> float:
        """min of sign * x[at] over whole numbers (bounded: the relaxation is), given the
        relaxation's optimum and its point.

        The whole-number optimum is at least the relaxation's, rounded up; a whole-number
        point that reaches it proves it is that (`_whole_point`), without the integer program
        (a fresh presolve of the whole group each time, several times slower)."""
        target = math.ceil(relaxed[0] - _TOLERANCE)
        if self._whole_point(relaxed[1], at, sign * target) is not None:
            return float(target)
        return self.exact_integer_minimum(at, sign)

    def _whole_point(self, point: np.ndarray, at: int, value: float) -> np.ndarray | None:
        """A whole-number point of the group with x[at] = value, found near `point`: its
        whole coordinates are kept, and the cells sharing a relation with a fractional one
        (or with `at`) are solved for as a small integer program. None when that finds none;
        a point found is checked exactly (whole numbers, every relation, every bound)."""
        rounded = np.round(point)
        loose = np.abs(point - rounded) > _TOLERANCE
        loose[at] = True
        rows = np.unique(self.matrix[:, np.flatnonzero(loose)].nonzero()[0])
        loose[np.unique(self.matrix[rows].nonzero()[1])] = True
        free = np.flatnonzero(loose)
        rows = np.unique(self.matrix[:, free].nonzero()[0])
        kept = rounded.copy()
        kept[free] = 0.0
        needed = -(self.matrix[rows] @ kept)
        low, high = self.lower[free].copy(), self.upper[free].copy()
        low[free == at] = high[free == at] = value
        found = milp(
            np.zeros(free.size),
            constraints=LinearConstraint(self.matrix[rows][:, free], needed, needed),
            bounds=VariableBounds(low, high),
            integrality=np.ones(free.size, dtype=np.int_),
        )
        if found.x is None:
            return None
        whole = rounded.copy()
        whole[free] = np.round(found.x)
        if whole[at] != value or not self._is_whole_point(whole):
            return None
        self.remember(whole)
        return whole

    def exact_integer_minimum(self, at: int, sign: float) -> float:
        """min of sign * x[at] over whole numbers, by the integer program of the group."""
        if self.whole is None:
            self.whole = _loaded(self.lp)
            n = self.lp.num_col_
            self.whole.changeColsIntegrality(
                n, np.arange(n, dtype=np.int32), np.full(n, 1, dtype=np.uint8)
            )
        found = _minimum(self.whole, at, sign)
        if found is None:
            raise RuntimeError("attacker integer problem unbounded where its relaxation is not")
        self.remember(found[1])
        return found[0]


def _loaded(lp: _highs.HighsLp) -> _highs._Highs:
    highs = _highs._Highs()
    highs.setOptionValue("output_flag", False)
    # Re-solves change only the objective, so the last basis stays primal feasible: primal
    # simplex goes on from it (the sample's release protects in 11 s instead of 17 s).
    highs.setOptionValue("simplex_strategy", 4)
    if highs.passModel(lp) == _highs.HighsStatus.kError:
        raise RuntimeError("attacker problem could not be loaded")
    return highs


def _minimum(highs: _highs._Highs, at: int, sign: float) -> tuple[float, np.ndarray] | None:
    highs.changeColCost(at, sign)
    highs.run()
    status = highs.getModelStatus()  # read before the model changes again
    if status != _highs.HighsModelStatus.kOptimal and status not in _UNBOUNDED:
        # A warm start can end undecided ('Unknown') on a degenerate basis: solve cold.
        highs.clearSolver()
        highs.run()
        status = highs.getModelStatus()
    found = None
    if status == _highs.HighsModelStatus.kOptimal:
        found = (
            float(highs.getInfo().objective_function_value),
            np.array(highs.getSolution().col_value),
        )
    highs.changeColCost(at, 0.0)
    if found is None and status not in _UNBOUNDED:
        raise RuntimeError(f"attacker problem not solved: {highs.modelStatusToString(status)}")
    return found


Relaxed = tuple[float, tuple[float, np.ndarray] | None]


def _relaxed(at: int, sign: float, relaxation: _WarmLP) -> Relaxed:
    """min of sign * x[at] over the linear relaxation, rounded inward to a whole number (the
    attacker knows counts are whole; -inf when unbounded): no whole-number point goes below
    it. With it, the relaxation's optimum and point when they are fractional, else None (the
    bound is then the whole-number minimum)."""
    known = relaxation.known_minimum(at, sign)
    if known is not None:
        return known, None
    # The relaxation tells unbounded apart (HiGHS cannot for integer problems), and a
    # whole-number vertex is already the integer optimum.
    found = relaxation.minimum(at, sign)
    if found is None:
        return -math.inf, None
    value, point = found
    whole = np.allclose(point, np.round(point), rtol=0, atol=_TOLERANCE)
    if whole:
        relaxation.remember(point)
    return float(math.ceil(value - _TOLERANCE)), None if whole else found


def _solve(at: int, sign: float, integer: bool, relaxation: _WarmLP, relaxed: Relaxed) -> float:
    """min of sign * x[at] over the group, over whole numbers with `integer` (else the
    relaxation's, rounded inward), given `_relaxed`'s answer."""
    bound, fractional = relaxed
    if fractional is None or not integer:
        return bound
    return float(math.ceil(relaxation.integer_minimum(at, sign, fractional) - _TOLERANCE))


def _known_bounds(policy: Policy, status: str, shown: str | None) -> tuple[float, float | None]:
    if status == PUBLISHED:
        # Empty: a missing count, which the attacker cannot bound either.
        return (0, None) if shown is None else policy.shown_interval(int(shown))
    if status == PRIMARY:
        return policy.smallest_hidden_small, policy.threshold - 1
    if status == SECONDARY:
        return policy.threshold, None
    return 0, None  # unpublished: only that it is a count


def _equalities(constraints: Sequence[Constraint], rows: list[int]) -> sparse.csr_array | None:
    """total - sum(parts) = 0 for each relation, over the group's cells."""
    if not constraints:
        return None
    position = {row: k for k, row in enumerate(rows)}
    lines: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for k, c in enumerate(constraints):
        lines.extend([k] * len(c.members))
        cols.extend(position[m] for m in c.members)
        values.extend([1.0] + [-1.0] * len(c.parts))
    return sparse.csr_array((values, (lines, cols)), shape=(len(constraints), len(rows)))


@dataclass(frozen=True)
class _WidthRule:
    """How wide each hidden cell's range must be (before capping at its baseline)."""

    small: float  # `<10` and unpublished cells
    complement: float  # `[c]` cells
    integer: bool

    @classmethod
    def of(
        cls, policy: Policy, min_width: int | None, complement_width: int | None, integer: bool
    ) -> _WidthRule:
        small = PROTECTION_WIDTH if min_width is None else min_width
        complement = PROTECTION_WIDTH if complement_width is None else complement_width
        return cls(float(small), float(complement), integer)

    def wanted(self, status: str) -> float:
        return self.complement if status == SECONDARY else self.small


# A round with at least this many hidden cells to solve is shared with a second thread.
SHARED_FROM = 200


Measured = list[tuple[float, float, float]]


class _Attacker:
    """The attacker's problems, kept while its `of` block lasts: `protect`'s rounds solve
    them again after `hide` instead of loading them anew. There is one copy per thread: with
    a second core and a round of `SHARED_FROM` cells or more, a worker thread solves the
    first half of the cells on its own copy (HiGHS releases the GIL while it solves). Halves
    rather than every other cell: a copy keeps the whole-number points its solves meet, which
    settle neighbouring cells of the same relations without an integer program (the sample's
    release: 401 instead of 547 of them). The verdicts, and the exact ranges, do not depend
    on which copy solves a cell."""

    def __init__(self, protected: ProtectedTable, worker: Executor | None) -> None:
        copies = 1 if worker is None else 2
        self.models = [_AttackModel.read(protected) for _ in range(copies)]
        self.worker = worker

    @classmethod
    @contextmanager
    def of(cls, protected: ProtectedTable, cells: int) -> Iterator[_Attacker]:
        if cells < SHARED_FROM or len(os.sched_getaffinity(0)) < 2:
            yield cls(protected, None)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdc-attack") as worker:
            yield cls(protected, worker)

    def hide(self, rows: Sequence[int], policy: Policy) -> None:
        for model in self.models:
            model.hide(rows, policy)

    def measure(
        self, protected: ProtectedTable, rows: Sequence[int], rule: _WidthRule, *, exact: bool
    ) -> Measured:
        """(lower, upper, required) of each hidden row, from the published table only: the
        attacker's range, or with `exact=False` a range within it as soon as one is found
        at least as wide as required (`_AttackModel.extent`)."""
        if self.worker is None or len(rows) < SHARED_FROM:
            return _measure(self.models[0], protected, rows, rule, exact)
        half = len(rows) // 2
        theirs = self.worker.submit(_measure, self.models[1], protected, rows[:half], rule, exact)
        mine = _measure(self.models[0], protected, rows[half:], rule, exact)
        return theirs.result() + mine


def _measure(
    model: _AttackModel,
    protected: ProtectedTable,
    rows: Sequence[int],
    rule: _WidthRule,
    exact: bool,
) -> Measured:
    # Baselines do not depend on the choice of complements: protect's rounds reuse them.
    baselines = protected.baseline_cache.setdefault(model.signature, {})

    def baseline_width(row: int) -> float:
        if row not in baselines:
            baselines[row] = model.extent(row, baseline=True, integer=rule.integer)[:2]
        base_low, base_high = baselines[row]
        return base_high - base_low

    statuses = protected.table[STATUS].to_list()
    found, spans = [], []
    for row in rows:
        required = rule.wanted(statuses[row])
        if not exact and (row in baselines or model.narrower_than(row, required)):
            # The width asked is the baseline's when smaller (below): known from an earlier
            # round, or needed anyway when the cell's own bounds are narrower than the rule
            # (a `<10` cell's 1..9). Asked from the start, the points met may settle it.
            required = min(required, baseline_width(row))
        enough = math.inf if exact else required
        lower, upper, span = model.extent(row, baseline=False, integer=rule.integer, enough=enough)
        if upper - lower < required:
            required = min(required, baseline_width(row))
            if span is Span.AROUND and upper - lower >= required:
                # Wide enough from outside only: settle whether the attacker's is.
                lower, upper, span = model.extent(
                    row, baseline=False, integer=rule.integer, enough=required
                )
        found.append((lower, upper, required))
        spans.append(span)
    # A range within the attacker's need not hold the truth; the others must.
    bounding = [k for k, span in enumerate(spans) if span is not Span.WITHIN]
    _check_truth(protected, [rows[k] for k in bounding], [found[k] for k in bounding])
    return found


def _narrow(found: Sequence[tuple[float, float, float]]) -> list[bool]:
    return [upper - lower < required - _TOLERANCE for lower, upper, required in found]


def audit(
    protected: ProtectedTable,
    *,
    min_width: int | None = None,
    complement_width: int | None = None,
    integer: bool = True,
) -> AuditResult:
    """The attacker check: each hidden cell's feasible range from what is published.

    For every hidden cell two linear programs (HiGHS) find its smallest and largest value
    under every additive relation, each published count within the counts that round to it,
    `<10` cells within 1..9, `[c]` cells at least 10 and unpublished cells at least 0 (see
    the module docstring). Each hidden cell is solved within the group of cells linked to it
    by relations. Ranges are whole numbers (an optimum of 6.5 means at most 6). With
    `integer` (default), when the relaxation's optimum is not a whole-number point the
    problem is solved again as an integer program, which can only narrow the range. Two
    shortcuts give the same numbers with fewer solves: a whole-number point (checked exactly)
    that reaches the relaxation's optimum rounded up proves it is the integer optimum, and a
    cell whose own bound (e.g. 1 for `<10`) a whole-number point already reached has that
    bound as its optimum.

    A `<10` or unpublished cell fails if its range (upper - lower) is narrower than
    `min_width` or than its baseline range, whichever is smaller; a `[c]` cell likewise with
    `complement_width` (both default to the rule's `PROTECTION_WIDTH`, 10). The
    baseline is the range the attacker would get with every non-zero cell hidden. Only the
    published table is read; the original counts, when present, are only used to check that
    every range contains the truth (a safeguard against a wrong model).
    """
    rule = _WidthRule.of(protected.policy, min_width, complement_width, integer)
    hidden = [i for i, s in enumerate(protected.table[STATUS].to_list()) if s != PUBLISHED]
    with _Attacker.of(protected, len(hidden)) as attacker:
        return _result(
            protected, rule, hidden, attacker.measure(protected, hidden, rule, exact=True)
        )


def _result(
    protected: ProtectedTable,
    rule: _WidthRule,
    hidden: Sequence[int],
    found: Measured,
) -> AuditResult:
    narrow = _narrow(found)
    is_hidden = pl.Series(
        [s != PUBLISHED for s in protected.table[STATUS].to_list()], dtype=pl.Boolean
    )
    ranges = (
        protected.table.filter(is_hidden)
        .select(*protected.dims, STATUS, SHOWN)
        .with_columns(
            pl.Series("lower", [f[0] for f in found], pl.Float64),
            pl.Series("upper", [f[1] for f in found], pl.Float64),
            pl.Series("required", [f[2] for f in found], pl.Float64),
            pl.Series("ok", [not bad for bad in narrow], pl.Boolean),
        )
        .with_columns(width=pl.col("upper") - pl.col("lower"))
        .select(*protected.dims, STATUS, SHOWN, *_RANGE_COLUMNS)
    )
    failing = tuple(row for row, bad in zip(hidden, narrow, strict=True) if bad)
    return AuditResult(
        not failing, ranges, protected.dims, int(rule.small), int(rule.complement), failing
    )


def _check_truth(
    protected: ProtectedTable, rows: Sequence[int], found: Sequence[tuple[float, float, float]]
) -> None:
    counts = protected.counts.to_list()
    for row, (lower, upper, _) in zip(rows, found, strict=True):
        if counts[row] is not None and not lower <= counts[row] <= upper:
            raise RuntimeError(f"attacker model excludes the true count of row {row}")

"""Disclosure control: hand-worked tables, an exhaustive attacker and property tests.

Expected values are worked out by hand in the comments (base 5: a published v stands for
v-2..v+2, never below 10), or by code written here independently of `sdc`.
"""

from __future__ import annotations

import itertools
import math
import random
import threading
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.reporting import sdc

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def one_way(counts: dict[str, int], total: bool = True) -> pl.DataFrame:
    rows = list(counts.items()) + ([("total", sum(counts.values()))] if total else [])
    return pl.DataFrame(rows, schema={"cat": pl.String, "n": pl.Int64}, orient="row")


def two_way(rows: dict[str, list[int]]) -> pl.DataFrame:
    """Interior cells plus row, column and grand totals, as a long frame."""
    width = len(next(iter(rows.values())))
    cols = [f"c{j + 1}" for j in range(width)]
    out = []
    for name, values in rows.items():
        out += [(name, c, v) for c, v in zip(cols, values, strict=True)]
        out.append((name, "total", sum(values)))
    for j, c in enumerate(cols):
        out.append(("total", c, sum(v[j] for v in rows.values())))
    out.append(("total", "total", sum(map(sum, rows.values()))))
    return pl.DataFrame(
        out, schema={"row": pl.String, "col": pl.String, "n": pl.Int64}, orient="row"
    )


def three_way(cube: np.ndarray) -> pl.DataFrame:
    """Every margin of a 3-D array: index i of a dimension or `total`."""
    levels = [[*[f"v{i}" for i in range(size)], "total"] for size in cube.shape]
    out = []
    for key in itertools.product(*levels):
        index = tuple(slice(None) if k == "total" else int(k[1:]) for k in key)
        out.append((*key, int(cube[index].sum())))
    return pl.DataFrame(out, schema=["year", "sex", "age", "n"], orient="row")


def shown(protected: sdc.ProtectedTable, **where: str) -> str:
    frame = protected.table.filter(*[pl.col(k) == v for k, v in where.items()])
    assert frame.height == 1
    return frame[sdc.SHOWN].item()


def status(protected: sdc.ProtectedTable, **where: str) -> str:
    frame = protected.table.filter(*[pl.col(k) == v for k, v in where.items()])
    return frame[sdc.STATUS].item()


def attacker_range(result: sdc.AuditResult, **where: str) -> tuple[float, float]:
    frame = result.ranges.filter(*[pl.col(k) == v for k, v in where.items()])
    assert frame.height == 1
    return frame["lower"].item(), frame["upper"].item()


def rounded(count: int, base: int = 5) -> int:
    """Half-up rounding written with Decimal, independent of sdc.round_count."""
    q = (Decimal(count) / Decimal(base)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(q) * base


# --- rounding and the threshold ------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "base", "expected"),
    [
        *[(12, 5, 10), (13, 5, 15), (27, 5, 25), (25, 5, 25), (10, 5, 10), (22, 5, 20)],
        *[(23, 5, 25), (15, 10, 20), (14, 10, 10), (25, 10, 30), (7, 1, 7)],
    ],
)
def test_round_count_is_half_up(count: int, base: int, expected: int) -> None:
    assert sdc.round_count(count, base) == expected
    assert pl.select(sdc.round_half_up(pl.lit(count), base)).item() == expected


def test_displayed_values_by_hand() -> None:
    table = one_way({"a": 12, "b": 13, "c": 27, "d": 8, "e": 0, "f": 25, "g": 10}, total=False)
    protected = sdc.protect(table, ["cat"], "n")
    expected = {"a": "10", "b": "15", "c": "25", "d": "<10", "e": "0", "f": "25", "g": "10"}
    assert dict(protected.table.select("cat", sdc.SHOWN).rows()) == expected
    assert status(protected, cat="d") == sdc.PRIMARY
    assert status(protected, cat="e") == sdc.PUBLISHED
    assert "n" not in protected.table.columns  # the true counts are not in the output frame
    assert protected.with_counts()["n"].to_list() == table["n"].to_list()


def test_mark_follows_threshold_and_zeros_can_be_hidden() -> None:
    table = one_way({"a": 0, "b": 4, "c": 7, "d": 30}, total=False)
    protected = sdc.protect(table, ["cat"], "n", threshold=5, zeros_are_safe=False)
    assert protected.table[sdc.SHOWN].to_list() == ["<5", "<5", "5", "30"]
    states = ["primary", "primary", "published", "published"]
    assert protected.table[sdc.STATUS].to_list() == states


def test_policy_that_would_publish_below_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="below the threshold"):
        sdc.Policy(threshold=10, base=3)  # 10 rounds to 9


# --- table model ---------------------------------------------------------------------------


def test_constraints_of_a_one_way_table() -> None:
    table = one_way({"x": 1, "y": 2, "z": 3})
    [c] = sdc.additivity_constraints(table, ["cat"])
    assert (c.total, c.parts, c.dim) == (3, (0, 1, 2), "cat")


def test_no_totals_no_constraints() -> None:
    assert sdc.additivity_constraints(one_way({"x": 1, "y": 2}, total=False), ["cat"]) == []


def test_constraints_of_a_two_way_table() -> None:
    table = two_way({"r1": [1, 2, 3], "r2": [4, 5, 6]})  # 3 x 4 = 12 rows
    found = sdc.additivity_constraints(table, ["row", "col"])
    # Over `row`: one per column incl. the total column (4), 2 parts each;
    # over `col`: one per row incl. the total row (3), 3 parts each.
    assert sorted((c.dim, len(c.parts)) for c in found) == [("col", 3)] * 3 + [("row", 2)] * 4
    keys = sdc.cell_keys(table, ["row", "col"])
    grand = [c for c in found if keys[c.total] == ("total", "total")]
    assert {c.dim: {keys[p] for p in c.parts} for c in grand} == {
        "row": {("r1", "total"), ("r2", "total")},
        "col": {("total", "c1"), ("total", "c2"), ("total", "c3")},
    }


def test_constraints_of_a_three_way_table() -> None:
    table = three_way(np.arange(12).reshape(2, 2, 3))  # 3 x 3 x 4 = 36 rows
    found = sdc.additivity_constraints(table, ["year", "sex", "age"])
    # Rows that are `total` in year: 1*3*4 = 12 (2 parts each); in sex: 3*1*4 = 12 (2 parts);
    # in age: 3*3*1 = 9 (3 parts).
    count = {d: sum(c.dim == d for c in found) for d in ("year", "sex", "age")}
    assert count == {"year": 12, "sex": 12, "age": 9}
    assert {len(c.parts) for c in found if c.dim == "age"} == {3}
    counts = table["n"].to_list()
    assert all(counts[c.total] == sum(counts[p] for p in c.parts) for c in found)


def test_constraints_when_breakdowns_have_their_own_categories() -> None:
    table = pl.DataFrame(
        [
            *[("sex", "f", 5), ("sex", "m", 6), ("sex", "total", 11)],
            *[("age", "child", 3), ("age", "adult", 8), ("age", "total", 11)],
        ],
        schema=["breakdown", "category", "n"],
        orient="row",
    )
    found = sdc.additivity_constraints(table, ["breakdown", "category"])
    assert sorted((c.total, c.parts) for c in found) == [(2, (0, 1)), (5, (4, 3))]


@pytest.mark.parametrize(
    ("table", "error"),
    [
        (one_way({"x": 1, "y": 2}).with_columns(pl.col("n").shift(1, fill_value=9)), "add up"),
        (pl.DataFrame({"cat": ["x", "x"], "n": [1, 2]}), "more than one row"),
        (pl.DataFrame({"cat": ["x"], "n": [-1]}), "negative"),
        (pl.DataFrame({"cat": ["x"], "n": [1.0]}), "whole-number"),
    ],
)
def test_bad_tables_are_refused(table: pl.DataFrame, error: str) -> None:
    with pytest.raises((ValueError, TypeError), match=error):
        sdc.protect(table, ["cat"], "n")


# --- the classic leak ----------------------------------------------------------------------

LEAKY = {"r1": [1, 41, 58], "r2": [20, 30, 50], "r3": [25, 35, 40]}
# r1: 1 -> <10, 41 -> 40 (38..42), 58 -> 60 (58..62), total 100 -> 100 (98..102).
# So r1c1 <= 102 - 38 - 58 = 6: the attacker learns "at most 6", not just "<10".
# A table with r1c1 = 6 publishes the same: r1 [6, 38, 58] = 102, r2 [18, 30, 50] = 98,
# r3 [23, 35, 40] = 98; columns 47, 103, 148; grand total 298. So the range is exactly 1..6.
WITNESS = {"r1": [6, 38, 58], "r2": [18, 30, 50], "r3": [23, 35, 40]}


def test_primary_only_suppression_leaks_and_the_audit_names_the_cell() -> None:
    primary_only = sdc.suppress_primary(two_way(LEAKY), ["row", "col"], "n")
    result = sdc.audit(primary_only)
    assert not result.passed
    assert attacker_range(result, row="r1", col="c1") == (1, 6)
    assert result.failures()[["row", "col"]].rows() == [("r1", "c1")]
    assert any(line.startswith("row=r1, col=c1") for line in result.offending)
    assert "row=r1, col=c1" in result.report()


def test_the_audit_reads_only_the_published_table() -> None:
    original = sdc.suppress_primary(two_way(LEAKY), ["row", "col"], "n")
    witness = sdc.suppress_primary(two_way(WITNESS), ["row", "col"], "n")
    assert witness.table.equals(original.table)
    assert sdc.audit(witness).ranges.equals(sdc.audit(original).ranges)


def test_protect_closes_the_leak() -> None:
    # Width 4 for `[c]` (the rule before the joint release): the chooser's order shows best.
    protected = sdc.protect(two_way(LEAKY), ["row", "col"], "n", complement_width=4)
    assert protected.audit is not None and protected.audit.passed
    again = sdc.audit(protected, complement_width=4)
    assert again.passed
    assert attacker_range(again, row="r1", col="c1") == (1, 9)
    # First complement: in column c1 (relations over `row` come first), its smallest other
    # cell r2c1 = 20. r1c1 is still at most 6 by its row, so next the smallest other cell of
    # row r1, r1c2 = 41. Rounding then leaves enough slack without a fourth corner:
    # r1c1 + r1c2 = 98..102 - 58..62 = 36..44 and r1c2 = 103..107 - 28..32 - 33..37 = 34..46,
    # so r1c1 can be 1 (r1c2 = 35..43) or 9 (r1c2 = 34..35); likewise down column c1.
    hidden = protected.table.filter(pl.col(sdc.STATUS) == sdc.SECONDARY)
    assert sorted(hidden.select("row", "col").rows()) == [("r1", "c2"), ("r2", "c1")]


def test_complement_width_is_a_separate_policy() -> None:
    default = sdc.protect(two_way(LEAKY), ["row", "col"], "n", complement_width=4)
    # r2c1 >= 98 - 32 - 52 = 14 by row r2 and <= 47 - 1 - 23 = 23 by column c1: 9 wide,
    # enough for 4 but not for the rule's 10 (the default).
    assert default.audit is not None and default.audit.passed
    assert attacker_range(sdc.audit(default, complement_width=4), row="r2", col="c1") == (14, 23)
    strict = sdc.audit(default)
    assert not strict.passed
    assert ("r2", "c1") in strict.failures()[["row", "col"]].rows()
    # Asking for 10 closes the rectangle: r1c2 is rechecked first, and the smallest other
    # cell of its column c2 is r2c2 = 30.
    protected = sdc.protect(two_way(LEAKY), ["row", "col"], "n")
    hidden = protected.table.filter(pl.col(sdc.STATUS) == sdc.SECONDARY)
    assert sorted(hidden.select("row", "col").rows()) == [("r1", "c2"), ("r2", "c1"), ("r2", "c2")]
    assert protected.audit is not None and protected.audit.passed


def test_complement_known_more_precisely_than_rounding_fails() -> None:
    # a 1, b 10 shown as [c], c 40 (38..42), total 51 -> 50 (48..52).
    # a <= 52 - 10 - 38 = 4; b <= 52 - 1 - 38 = 13, so b is 10..13: 3 wide, under 4.
    release = with_complements(
        sdc.suppress_primary(one_way({"a": 1, "b": 10, "c": 40}), ["cat"], "n"), {"b"}
    )
    result = sdc.audit(release)
    assert attacker_range(result, cat="b") == (10, 13)
    assert result.failures()["cat"].to_list() == ["a", "b"]
    assert sdc.audit(release, complement_width=3).failures()["cat"].to_list() == ["a"]


def test_row_with_enough_rounding_slack_needs_no_complement() -> None:
    # 3 -> <10, 40 -> 38..42, 57 -> 55 (53..57), total 100 -> 98..102:
    # the attacker only gets 98-42-57 = -1 .. 102-38-53 = 11, wider than 1..9.
    result = sdc.audit(sdc.suppress_primary(one_way({"a": 3, "b": 40, "c": 57}), ["cat"], "n"))
    assert result.passed
    assert attacker_range(result, cat="a") == (1, 9)


def test_lone_small_count_under_small_totals_reveals_nothing_more() -> None:
    # All zeros but one 1: its row, column and grand totals are <10 too, so the attacker
    # learns they are all equal, but not the value.
    result = sdc.audit(
        sdc.suppress_primary(two_way({"r1": [0, 0, 0], "r2": [0, 0, 1]}), ["row", "col"], "n")
    )
    assert result.passed
    assert set(result.ranges.select("lower", "upper").rows()) == {(1, 9)}


def test_protect_reports_failure_when_nothing_is_left_to_hide(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sdc._ComplementChooser, "choose", lambda self, failing: [])
    with pytest.raises(sdc.DisclosureError, match="row=r1, col=c1") as blocked:
        sdc.protect(two_way(LEAKY), ["row", "col"], "n")
    assert blocked.value.audit is not None and not blocked.value.audit.passed


# --- one-way tables ------------------------------------------------------------------------


def test_one_way_small_category_gets_the_smallest_complement() -> None:
    table = one_way({"a": 2, "b": 23, "c": 40})  # total 65
    # Primary only: a <= 67 - 23 - 38 = 6 (b 23 -> 25: 23..27; c 40: 38..42; total 65: 63..67).
    assert not sdc.audit(sdc.suppress_primary(table, ["cat"], "n")).passed
    protected = sdc.protect(table, ["cat"], "n")
    assert protected.table.select("cat", sdc.SHOWN).rows() == [
        ("a", "<10"),
        ("b", "[c]"),
        ("c", "40"),
        ("total", "65"),
    ]
    # a + b = 63..67 minus 38..42 = 21..29 with b >= 10: a can be anything in 1..9.
    assert attacker_range(sdc.audit(protected), cat="a") == (1, 9)


def test_ties_are_broken_by_dimension_value_not_row_order() -> None:
    table = one_way({"north": 2, "west": 23, "east": 23, "south": 40})  # total 88 -> 90
    # Primary only: north <= 92 - 23 - 23 - 38 = 8 < 9.
    protected = sdc.protect(table, ["cat"], "n")
    assert shown(protected, cat="east") == "[c]"
    assert shown(protected, cat="west") == "25"


def test_two_small_cells_in_one_relation_share_a_complement() -> None:
    table = one_way({"a": 2, "b": 1, "c": 40})  # total 43 -> 45 (43..47), c 38..42
    # Primary only: a + b = 1..9 with both at least 1, so each is at most 8.
    assert len(sdc.audit(sdc.suppress_primary(table, ["cat"], "n")).failing_rows) == 2
    # Hiding c as well (at least 10) leaves a + b up to 37: one complement covers both.
    protected = sdc.protect(table, ["cat"], "n")
    assert protected.table[sdc.SHOWN].to_list() == ["<10", "<10", "[c]", "45"]


def test_structure_alone_may_narrow_a_cell_and_that_is_allowed() -> None:
    # 3 + 4 = 7: every cell, the total included, is <10, so each part is at most 9 - 1 = 8
    # whatever else is published; nothing is left to hide, and the audit accepts 1..8.
    result = sdc.protect(one_way({"a": 3, "b": 4}), ["cat"], "n").audit
    assert result is not None and result.passed
    assert attacker_range(result, cat="a") == (1, 8)
    assert result.ranges.filter(pl.col("cat") == "a")["required"].item() == 7


def test_total_is_hidden_when_no_other_cell_can_cover() -> None:
    table = one_way({"a": 2, "b": 0, "c": 0, "d": 12})  # total 14 -> 15 (13..17)
    # Hiding d alone leaves a = 13..17 minus d >= 10, i.e. a <= 7; zeros are never hidden,
    # so the total has to go as well.
    protected = sdc.protect(table, ["cat"], "n")
    assert protected.table[sdc.SHOWN].to_list() == ["<10", "0", "0", "[c]", "[c]"]
    assert sdc.audit(protected).passed


def test_complement_comes_from_the_nearest_relation_with_a_cell_left_to_hide() -> None:
    # Relations: t = a + b and b = c + d; apart from them, u = v + w.
    cats = ["a", "b", "t", "c", "d", "u", "v", "w"]
    counts = [2, 26, 28, 15, 11, 13, 3, 10]
    relations = [
        sdc.Constraint(2, (0, 1), "x"),
        sdc.Constraint(1, (3, 4), "x"),
        sdc.Constraint(5, (6, 7), "x"),
    ]
    table = pl.DataFrame({"cat": cats, "n": counts})
    primary = sdc.suppress_primary(table, ["cat"], "n", relations=relations)
    release = with_complements(primary, {"b", "t"})
    # Nothing is left to hide in a's own relation; one step out, b = c + d offers c and d
    # (d, the smaller). w (10) is smaller still, but it cannot widen a's range.
    assert sdc._ComplementChooser(release).choose([0]) == [4]


def test_unpublished_remainder_is_protected_like_a_hidden_cell() -> None:
    table = one_way({"alba": 30, "unknown": 3})  # total 33 -> 35 (33..37), 30: 28..32
    unpublished = pl.col("cat") == "unknown"
    # Primary only: unknown = 33..37 minus 28..32 = 1..9, narrower than 10.
    assert not sdc.audit(sdc.suppress_primary(table, ["cat"], "n", unpublished=unpublished)).passed
    protected = sdc.protect(table, ["cat"], "n", unpublished=unpublished)
    assert protected.table[sdc.SHOWN].to_list() == ["[c]", None, "35"]
    assert protected.table[sdc.STATUS].to_list() == ["secondary", "unpublished", "published"]


# --- exhaustive attacker for small one-way tables ------------------------------------------
# Categories hold at most 25, so a published total is at most 75 -> 77: every bounded range
# lies below both caps, and a range that grows with the cap is unbounded.
CAPS = (80, 100)


def possible_counts(text: str, cap: int, threshold: int = 10) -> np.ndarray:
    """Every count consistent with a shown value, by enumeration."""
    if text == "<10":
        return np.arange(1, threshold)
    if text == "[c]":
        return np.arange(threshold, cap + 1)
    if int(text) == 0:
        return np.array([0])
    return np.array([n for n in range(threshold, cap + 1) if rounded(n) == int(text)])


def enumerate_ranges(frame: pl.DataFrame, cap: int) -> dict[str, tuple[int, int]]:
    """Min and max of each hidden cell over all whole-number tables that publish `frame`."""
    parts = frame.filter(pl.col("cat") != "total")
    total = frame.filter(pl.col("cat") == "total")
    grids = np.meshgrid(*[possible_counts(t, cap) for t in parts[sdc.SHOWN]], indexing="ij")
    sums = sum(grids)
    consistent = np.isin(sums, possible_counts(total[sdc.SHOWN].item(), cap))
    found = {}
    for name, state, grid in [
        *zip(parts["cat"], parts[sdc.STATUS], grids, strict=True),
        ("total", total[sdc.STATUS].item(), sums),
    ]:
        if state != sdc.PUBLISHED:
            found[name] = (int(grid[consistent].min()), int(grid[consistent].max()))
    return found


def brute_force_ranges(frame: pl.DataFrame) -> dict[str, tuple[float, float]]:
    small, large = (enumerate_ranges(frame, cap) for cap in CAPS)
    return {
        name: (low, float(high) if large[name][1] == high else math.inf)
        for name, (low, high) in small.items()
    }


def with_complements(protected: sdc.ProtectedTable, cats: set[str]) -> sdc.ProtectedTable:
    """The same release with the given published categories shown as `[c]` instead."""
    chosen = pl.col("cat").is_in(sorted(cats))
    return replace(
        protected,
        table=protected.table.with_columns(
            pl.when(chosen).then(pl.lit(sdc.SECONDARY)).otherwise(sdc.STATUS).alias(sdc.STATUS),
            pl.when(chosen).then(pl.lit("[c]")).otherwise(sdc.SHOWN).alias(sdc.SHOWN),
        ),
    )


small_counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 25))


@FAST
@given(st.lists(small_counts, min_size=1, max_size=3), st.sets(st.integers(0, 3)))
@example([3, 10], set())  # shown 10 means 10..12, not 8..12: k0 <= 17 - 10 = 7
@example([12, 20], {0, 2})  # k0 and the total hidden: both unbounded above
def test_audit_matches_an_exhaustive_attacker(counts: list[int], hide: set[int]) -> None:
    table = one_way({f"k{i}": n for i, n in enumerate(counts)})
    # Complements are never 0 or small; position len(counts) is the total.
    cats = table["cat"].to_list()
    chosen = {cats[i] for i in hide if i < table.height and table["n"][i] >= 10}
    release = with_complements(sdc.suppress_primary(table, ["cat"], "n"), chosen)
    result = sdc.audit(release)
    got = {cat: (lo, hi) for cat, lo, hi in result.ranges.select("cat", "lower", "upper").rows()}
    assert got == brute_force_ranges(release.table)


# --- properties of protect's output --------------------------------------------------------


def check_release(protected: sdc.ProtectedTable) -> None:
    frame = protected.with_counts()
    for text, state, count in frame.select(sdc.SHOWN, sdc.STATUS, "n").rows():
        if state == sdc.PUBLISHED:
            value = int(text)
            assert not 1 <= value <= 9
            assert value == 0 or (value >= 10 and value % 5 == 0)
            assert value == rounded(count)
            assert count == 0 or count >= 10
        elif state == sdc.PRIMARY:
            assert text == "<10" and 1 <= count <= 9
        else:
            assert state == sdc.SECONDARY and text == "[c]" and count >= 10
    assert protected.audit is not None and protected.audit.passed
    fresh = sdc.audit(protected)
    assert fresh.passed
    # protect() reports each range at the cell's last check; hiding more only widened it.
    last, now = protected.audit.ranges, fresh.ranges
    assert last.select(sdc.SHOWN, sdc.STATUS).equals(now.select(sdc.SHOWN, sdc.STATUS))
    assert (now["lower"] <= last["lower"]).all() and (now["upper"] >= last["upper"]).all()


cells = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 80))


@FAST
@given(
    st.integers(1, 4).flatmap(
        lambda w: st.lists(st.lists(cells, min_size=w, max_size=w), min_size=1, max_size=4)
    )
)
@pytest.mark.slow
def test_two_way_release_properties(grid: list[list[int]]) -> None:
    table = two_way({f"r{i}": row for i, row in enumerate(grid)})
    check_release(sdc.protect(table, ["row", "col"], "n"))


@pytest.mark.slow
@settings(max_examples=8, deadline=None)
@given(st.lists(cells, min_size=8, max_size=8))
def test_three_way_release_properties(values: list[int]) -> None:
    table = three_way(np.array(values).reshape(2, 2, 2))
    check_release(sdc.protect(table, ["year", "sex", "age"], "n"))


# --- determinism ---------------------------------------------------------------------------


def test_same_input_same_output_whatever_the_row_order() -> None:
    table = two_way({"r1": [3, 12, 40, 0], "r2": [15, 7, 22, 31], "r3": [11, 11, 60, 2]})
    first = sdc.protect(table, ["row", "col"], "n")
    assert sdc.protect(table, ["row", "col"], "n").table.equals(first.table)
    order = list(range(table.height))
    random.Random(7).shuffle(order)
    shuffled = sdc.protect(table[order], ["row", "col"], "n")
    assert shuffled.table.sort("row", "col").equals(first.table.sort("row", "col"))
    assert first.table[sdc.STATUS].to_list().count(sdc.SECONDARY) > 0


# --- missing counts, hidden zeros, relaxation ----------------------------------------------


def test_missing_count_is_published_empty_and_still_bounds_its_total() -> None:
    table = pl.DataFrame(
        {"cat": ["a", "b", "c", "total"], "n": [38, None, 3, 41]}, schema_overrides={"n": pl.Int64}
    )
    # b is unknown but not negative, so c <= 42 - 38 = 4 (a 38 -> 40: 38..42, total 41 -> 40).
    primary_only = sdc.audit(sdc.suppress_primary(table, ["cat"], "n"))
    assert attacker_range(primary_only, cat="c") == (1, 4)
    protected = sdc.protect(table, ["cat"], "n")
    assert protected.table[sdc.SHOWN].to_list() == ["[c]", None, "<10", "40"]
    assert status(protected, cat="b") == sdc.PUBLISHED
    # a = total - b - c: at most 42 - 0 - 1 = 41; as low as 10 (e.g. 38 - 27 - 1).
    assert attacker_range(sdc.audit(protected), cat="a") == (10, 41)
    with pytest.raises(ValueError, match="known parts"):
        sdc.protect(table.with_columns(pl.col("n").replace(41, 30)), ["cat"], "n")


def test_hidden_zero_must_keep_its_whole_range() -> None:
    table = one_way({"a": 0, "b": 40})  # total 40
    # a = 38..42 minus 38..42 = 0..4 with primary only; a-priori 0..9 when zeros are hidden.
    primary_only = sdc.audit(sdc.suppress_primary(table, ["cat"], "n", zeros_are_safe=False))
    assert attacker_range(primary_only, cat="a") == (0, 4)
    assert not primary_only.passed
    protected = sdc.protect(table, ["cat"], "n", zeros_are_safe=False)
    assert protected.table[sdc.SHOWN].to_list() == ["<10", "[c]", "40"]
    assert attacker_range(sdc.audit(protected), cat="a") == (0, 9)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=2, max_size=3))
def test_two_way_relaxation_gives_the_integer_ranges(grid: list[list[int]]) -> None:
    # Two-way tables with margins have whole-number vertices, so both attackers agree.
    primary_only = sdc.suppress_primary(
        two_way({f"r{i}": r for i, r in enumerate(grid)}), ["row", "col"], "n"
    )
    whole = sdc.audit(primary_only, integer=True).ranges
    relaxed = sdc.audit(primary_only, integer=False).ranges
    assert whole.equals(relaxed)


def test_an_empty_table_is_protected_as_empty() -> None:
    """A period with no known count (e.g. no court extract) has nothing to publish."""
    table = pl.DataFrame(schema={"cat": pl.Utf8, "n": pl.Int64})
    protected = sdc.protect(table, ["cat"], "n")
    assert protected.table.height == 0


# --- whole-number ranges without the integer program -----------------------------------------


def odd_cycle() -> sdc.ProtectedTable:
    """a + b = 11, b + c = 11, a + c + d = 12, published exactly (base 1): a = c, so
    d = 12 - 2a is even. The relaxation reaches d = 1 at a = b = c = 5.5."""
    table = pl.DataFrame({"cell": ["a", "b", "c", "d", "ab", "bc", "acd"]})
    table = table.with_columns(n=pl.Series([3, 8, 3, 6, 11, 11, 12]))
    relations = [
        sdc.Constraint(4, (0, 1), "sum"),
        sdc.Constraint(5, (1, 2), "sum"),
        sdc.Constraint(6, (0, 2, 3), "sum"),
    ]
    return sdc.suppress_primary(table, ["cell"], "n", base=1, relations=relations)


def test_a_whole_number_range_narrower_than_the_relaxation() -> None:
    assert attacker_range(sdc.audit(odd_cycle(), integer=False), cell="d") == (1, 8)
    assert attacker_range(sdc.audit(odd_cycle()), cell="d") == (2, 8)


def exhaustive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bound solved, and every fractional relaxation solved again as the group's
    integer program; no whole-number point kept to show a range wide enough, and no range
    left at the relaxation's."""
    extent = sdc._AttackModel.extent
    monkeypatch.setattr(
        sdc._AttackModel,
        "extent",
        lambda self, row, **options: extent(self, row, **{**options, "enough": math.inf}),
    )
    monkeypatch.setattr(sdc._WarmLP, "known_minimum", lambda *args: None)
    monkeypatch.setattr(sdc._WarmLP, "_whole_point", lambda *args: None)
    monkeypatch.setattr(sdc._WarmLP, "remember", lambda *args: None)


def test_the_shortcuts_give_the_results_of_every_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: dict[str, list[bool]] = {"known_minimum": [], "_whole_point": []}
    for name, seen in taken.items():
        method = getattr(sdc._WarmLP, name)

        def counted(*args: Any, method: Any = method, seen: list[bool] = seen) -> Any:
            found = method(*args)
            seen.append(found is not None)
            return found

        monkeypatch.setattr(sdc._WarmLP, name, counted)
    extent = sdc._AttackModel.extent
    spans: set[sdc.Span] = set()

    def measured(*args: Any, **options: Any) -> tuple[float, float, sdc.Span]:
        found = extent(*args, **options)
        spans.add(found[2])
        return found

    monkeypatch.setattr(sdc._AttackModel, "extent", measured)
    narrower_than = sdc._AttackModel.narrower_than
    asked_at_baseline: list[bool] = []

    def recorded(*args: Any) -> bool:
        asked_at_baseline.append(narrower_than(*args))
        return asked_at_baseline[-1]

    monkeypatch.setattr(sdc._AttackModel, "narrower_than", recorded)
    rng = np.random.default_rng(11)
    cubes = [rng.choice([0, 2, 5, 8, 12, 15, 25, 40], size=(3, 3, 4)) for _ in range(4)]
    fast = [sdc.protect(three_way(cube), ["year", "sex", "age"], "n") for cube in cubes]
    fast_ranges = [sdc.audit(protected).ranges for protected in fast]
    fast_cycle = sdc.audit(odd_cycle()).ranges
    # Every way taken: bounds known from points seen, points found, integer programs,
    # ranges shown wide enough by the points seen and too narrow by the relaxation.
    assert all(any(seen) and not all(seen) for seen in taken.values())
    assert spans == set(sdc.Span)
    # Cells asked at once for their baseline's width (`<10` cells), and cells that were not.
    assert any(asked_at_baseline) and not all(asked_at_baseline)
    exhaustive(monkeypatch)
    for cube, protected, ranges in zip(cubes, fast, fast_ranges, strict=True):
        again = sdc.protect(three_way(cube), ["year", "sex", "age"], "n")
        assert again.table.equals(protected.table)
        assert sdc.audit(again).ranges.equals(ranges)
    assert sdc.audit(odd_cycle()).ranges.equals(fast_cycle)


def test_rounds_shared_with_a_second_thread_give_the_one_thread_verdicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each copy of the attacker's problems solves its own share of a round's cells; which
    copy solves a cell changes how it is settled, never whether it passes, so the same cells
    are hidden and the ranges found hold the truth either way."""
    cube = np.random.default_rng(7).poisson(6, size=(6, 3, 5))
    table = three_way(cube)
    solved_by: set[str] = set()
    measure = sdc._measure

    def recorded(*args: Any) -> sdc.Measured:
        solved_by.add(threading.current_thread().name.split("_")[0])
        return measure(*args)

    monkeypatch.setattr(sdc, "_measure", recorded)
    monkeypatch.setattr(sdc.os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(sdc, "SHARED_FROM", 10)
    shared = sdc.protect(table, ["year", "sex", "age"], "n")
    assert solved_by == {"MainThread", "sdc-attack"}
    monkeypatch.setattr(sdc, "SHARED_FROM", 10**9)
    alone = sdc.protect(table, ["year", "sex", "age"], "n")
    assert shared.table.equals(alone.table)
    assert shared.audit is not None and alone.audit is not None
    assert shared.audit.passed and alone.audit.passed
    truth = table["n"].to_list()
    hidden = [i for i, s in enumerate(shared.table[sdc.STATUS].to_list()) if s != sdc.PUBLISHED]
    ranges = shared.audit.ranges.select("lower", "upper").rows()
    for row, (lower, upper) in zip(hidden, ranges, strict=True):
        assert lower <= truth[row] <= upper

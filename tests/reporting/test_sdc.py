"""Disclosure control: threshold, rounding, secondary suppression, and the attacker audit."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.reporting.sdc import PRIMARY, PUBLISHED, audit, protect, round_half_up


def with_margins(cells: list[list[int]]) -> pl.DataFrame:
    """A 2-D table in long form with row totals, column totals and the grand total."""
    rows = []
    for r, values in enumerate(cells):
        rows += [(f"r{r}", f"c{c}", v) for c, v in enumerate(values)]
        rows.append((f"r{r}", "total", sum(values)))
    for c in range(len(cells[0])):
        rows.append(("total", f"c{c}", sum(row[c] for row in cells)))
    rows.append(("total", "total", sum(map(sum, cells))))
    return pl.DataFrame(rows, schema={"row": pl.Utf8, "col": pl.Utf8, "n": pl.Int64}, orient="row")


def primary_only(table: pl.DataFrame) -> pl.DataFrame:
    small = pl.col("n").is_between(1, 9)
    return table.with_columns(
        pl.when(small).then(pl.lit(PRIMARY)).otherwise(pl.lit(PUBLISHED)).alias("status")
    )


def test_rounding_half_up_to_base_five() -> None:
    values = pl.Series([10, 12, 13, 25, 27, 28, 100])
    assert pl.select(round_half_up(pl.lit(values), 5)).to_series().to_list() == [
        10,
        10,
        15,
        25,
        25,
        30,
        100,
    ]


def test_lone_small_cell_leaks_without_secondary_suppression() -> None:
    table = with_margins([[3, 40, 57], [20, 30, 50]])
    naive = audit(primary_only(table), ["row", "col"], "n")
    assert not naive.passed
    leaked = naive.failures(10).row(0, named=True)
    assert (leaked["row"], leaked["col"], leaked["lower"], leaked["upper"]) == (
        "r0",
        "c0",
        3.0,
        3.0,
    )
    protected = protect(table, ["row", "col"], "n")
    assert protected.audit.passed
    shown = protected.table.filter((pl.col("row") == "r0") & (pl.col("col") == "c0"))[
        "shown"
    ].item()
    assert shown == "<10"
    assert (protected.table["status"] == "secondary").sum() >= 1


def test_one_dimensional_total_gets_a_complement() -> None:
    table = pl.DataFrame({"form": ["sexual", "labour", "other", "total"], "n": [50, 4, 30, 84]})
    protected = protect(table, ["form"], "n")
    status = dict(zip(protected.table["form"], protected.table["status"], strict=True))
    assert status["labour"] == "primary"
    assert status["other"] == "secondary"  # the smallest other part, not the total
    assert status["total"] == "published"
    assert protected.audit.passed


def test_zero_is_published_and_output_is_deterministic() -> None:
    table = with_margins([[0, 12, 27], [5, 0, 31]])
    first, second = protect(table, ["row", "col"], "n"), protect(table, ["row", "col"], "n")
    assert first.table.equals(second.table)
    zeros = first.table.filter(pl.col("n") == 0)["shown"].to_list()
    assert zeros == ["0", "0"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 60), min_size=3, max_size=3), min_size=2, max_size=4))
def test_protected_tables_pass_and_hide_every_small_count(cells: list[list[int]]) -> None:
    table = with_margins(cells)
    protected = protect(table, ["row", "col"], "n")
    shown = protected.table["shown"].to_list()
    numbers = [int(s) for s in shown if s not in ("<10", "[c]")]
    assert all(n == 0 or n >= 10 for n in numbers)
    assert all(n % 5 == 0 for n in numbers)
    assert protected.audit.passed
    assert audit(protected.table, ["row", "col"], "n").passed  # an independent re-check agrees

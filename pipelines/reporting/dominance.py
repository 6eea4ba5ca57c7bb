"""The dominance rule for money amounts in the public release: (n, k) = (2, 85%).

A sum of amounts (confiscation or damages ordered in a year) is not published when its two
largest contributions make up more than 85% of it: such a sum would tell about one or two
decisions. A contribution is one court file (the amounts ordered against all its defendants
in final decisions). A sum of 0 (nothing ordered) is published as 0. A hidden sum is shown as
`[c]`, never left empty (empty means unknown).
"""

from __future__ import annotations

import polars as pl

from pipelines.reporting import sdc

LARGEST = 2  # n: how many of the largest contributions are compared with the sum
SHARE = 0.85  # k: the share of the sum above which they dominate it
HIDDEN = sdc.SECONDARY_MARK
RULE = (
    f"Money amounts: a sum is not published ({HIDDEN}) when its {LARGEST} largest court files "
    f"make up more than {SHARE:.0%} of it, or when the persons it concerns are not published."
)


def dominated(total: pl.Expr, largest: pl.Expr, second: pl.Expr) -> pl.Expr:
    """True when the two largest contributions exceed SHARE of a positive total."""
    top = largest.fill_null(0) + second.fill_null(0)
    return (total > 0) & (top > SHARE * total)


def published_amount(total: pl.Expr, hide: pl.Expr) -> pl.Expr:
    """The amount as text: the marker where hidden, empty where unknown, else the sum."""
    return (
        pl.when(total.is_null())
        .then(pl.lit(None, pl.Utf8))
        .when(hide)
        .then(pl.lit(HIDDEN))
        .otherwise(total.round(2).cast(pl.Utf8))
    )

"""MSE estimates per year and stratum from the warehouse's capture histories.

`estimate_strata` reads `marts.rpt_capture_histories` (one row per year, stratum and
observed history) and gives one row per (year, stratum): the estimate with its interval
and model, or, where the lists are too sparse to estimate, a readable warning and no
estimate. It runs inside dbt (the Python model `int_mse_estimates`).

Fixed method, so every run gives the same figures: stepwise selection with p < 0.02
(Chan, Silverman & Vincent 2021; the method of the UK Home Office estimate, which suits
few lists with sparse overlaps better than a BIC search over every hierarchical model).
The whole year ('all', the figure beside SDG 16.2.2) gets a BCa bootstrap of 200
replicates with seed 2024 that repeats the selection on each resample; the strata, the
model's own interval (normal on the log of the hidden count), which keeps the run short.
A list that recorded nobody in a stratum (an agency that delivered nothing that year) is
left out of it; the lists used are named in each row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from pipelines.estimation.capture import CaptureTable
from pipelines.estimation.mse import Estimate, EstimationError, Options, estimate

LISTS = ("police", "diicot", "anitp", "ngo")
COUNT = "persons"
KEYS = ("year", "stratum", "stratum_value")
OPTIONS = Options(method="stepwise", p_threshold=0.02, replicates=200, seed=2024)
WHOLE_YEAR = "all"
SCHEMA = {
    "year": pl.Int32,
    "stratum": pl.Utf8,
    "stratum_value": pl.Utf8,
    "lists_used": pl.Utf8,
    "observed": pl.Int64,
    "estimate": pl.Float64,
    "interval_low": pl.Float64,
    "interval_high": pl.Float64,
    "interval_method": pl.Utf8,
    "model_method": pl.Utf8,
    "model_terms": pl.Utf8,
    "warning": pl.Utf8,
}


@dataclass(frozen=True)
class Row:
    lists_used: tuple[str, ...]
    observed: int
    result: Estimate | None
    warning: str | None


def table_of(histories: pl.DataFrame) -> CaptureTable:
    """The capture table of one stratum, over the lists that recorded anybody in it."""
    used = tuple(name for name in LISTS if histories[name].sum() > 0)
    member = histories.select(used).to_numpy().astype(np.int64)
    cell = member @ (1 << np.arange(len(used))) - 1  # CaptureTable's cell order
    seen = cell >= 0
    counts = np.zeros(2 ** len(used) - 1, dtype=np.int64)
    np.add.at(counts, cell[seen], histories[COUNT].to_numpy()[seen])
    return CaptureTable(used, counts)


def estimate_one(histories: pl.DataFrame, options: Options = OPTIONS) -> Row:
    """Estimate one stratum; a table that cannot be estimated gets a warning instead."""
    table = table_of(histories)
    if len(table.lists) < 2:
        why = "only one list recorded anybody" if table.lists else "no list recorded anybody"
        return Row(table.lists, table.observed, None, f"{why}: at least two are needed")
    try:
        point = estimate(table, replace(options, replicates=0))
    except EstimationError as error:
        return Row(table.lists, table.observed, None, f"no estimate: {error}")
    if not options.replicates:
        return Row(table.lists, table.observed, point, None)
    try:
        return Row(table.lists, table.observed, estimate(table, options), None)
    except EstimationError:
        # The point estimate stands; only resampling failed: the model's own interval.
        warning = "too sparse to bootstrap: interval from the chosen model only"
        return Row(table.lists, table.observed, point, warning)


def _rows(histories: pl.DataFrame, options: Options) -> Iterator[dict[str, object]]:
    for keys, group in histories.sort(*KEYS).group_by(*KEYS, maintain_order=True):
        whole_year = keys[1] == WHOLE_YEAR
        row = estimate_one(group, options if whole_year else replace(options, replicates=0))
        result = row.result
        yield {
            **dict(zip(KEYS, keys, strict=True)),
            "lists_used": ",".join(row.lists_used),
            "observed": row.observed,
            "estimate": result.estimate if result else None,
            "interval_low": result.interval[0] if result else None,
            "interval_high": result.interval[1] if result else None,
            "interval_method": result.interval_method if result else None,
            "model_method": result.method if result else None,
            "model_terms": ", ".join(result.terms) if result else None,
            "warning": row.warning,
        }


def estimate_strata(histories: pl.DataFrame, options: Options = OPTIONS) -> pl.DataFrame:
    """One row per (year, stratum, stratum value) of the capture histories."""
    return pl.DataFrame(list(_rows(histories, options)), schema=SCHEMA)

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

Each row carries the fingerprint of what made it (the stratum's capture table, the options
and this package's source). Given the rows of the last build, a stratum whose fingerprint
is unchanged keeps its row instead of being estimated again: a new extract for one year
bootstraps that year only, and the rows are those a build from scratch would give.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.estimation.capture import CaptureTable
from pipelines.estimation.mse import Estimate, EstimationError, Options, estimate

LISTS = ("police", "diicot", "anitp", "ngo")
COUNT = "persons"
KEYS = ("year", "stratum", "stratum_value")
OPTIONS = Options(method="stepwise", p_threshold=0.02, replicates=200, seed=2024)
WHOLE_YEAR = "all"
NUMERICAL_LIBRARIES = ("numpy", "scipy")
FINGERPRINT = "input_fingerprint"
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
    FINGERPRINT: pl.Utf8,
}
# The columns an estimate fills: what a reused row brings back.
RESULT_COLUMNS = [name for name in SCHEMA if name not in (*KEYS, FINGERPRINT)]


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


@cache
def _code_digest() -> bytes:
    """This package's source and the numerical libraries' versions: a row is reused only
    under the code that estimated it."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for library in NUMERICAL_LIBRARIES:
        digest.update(f"{library} {version(library)}\0".encode())
    return digest.digest()


def fingerprint(table: CaptureTable, options: Options) -> str:
    """What determines a stratum's row: its table, the options and the estimation code."""
    digest = hashlib.sha256(_code_digest())
    digest.update(repr(options).encode())
    digest.update(",".join(table.lists).encode() + b"\0")
    digest.update(np.asarray(table.counts, dtype=np.int64).tobytes())
    return digest.hexdigest()


def _estimated(table: CaptureTable, options: Options) -> Row:
    """Estimate one stratum; a table that cannot be estimated gets a warning instead."""
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


def _columns(row: Row) -> dict[str, object]:
    result = row.result
    return {
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


def _reusable(previous: pl.DataFrame | None) -> dict[str, dict[str, object]]:
    """The result columns of earlier rows by fingerprint (none from rows without one)."""
    if previous is None or FINGERPRINT not in previous.columns:
        return {}
    rows = previous.select(FINGERPRINT, *RESULT_COLUMNS).iter_rows(named=True)
    return {row.pop(FINGERPRINT): row for row in rows}


def _rows(
    histories: pl.DataFrame, options: Options, reusable: Mapping[str, dict[str, object]]
) -> Iterator[dict[str, object]]:
    for keys, group in histories.sort(*KEYS).group_by(*KEYS, maintain_order=True):
        stratum = options if keys[1] == WHOLE_YEAR else replace(options, replicates=0)
        table = table_of(group)
        key = fingerprint(table, stratum)
        columns = reusable.get(key) or _columns(_estimated(table, stratum))
        yield {**dict(zip(KEYS, keys, strict=True)), **columns, FINGERPRINT: key}


def estimate_strata(
    histories: pl.DataFrame, options: Options = OPTIONS, previous: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per (year, stratum, stratum value) of the capture histories; `previous`, the
    rows of an earlier call, are kept where their fingerprint is unchanged."""
    return pl.DataFrame(list(_rows(histories, options, _reusable(previous))), schema=SCHEMA)

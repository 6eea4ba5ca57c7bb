"""Clerical review: pairs near the threshold out, the reviewer's decisions back in.

A decision file is a CSV with the columns `pair_id` and `decision` (`match` or
`no match`); the pipeline reads it on every run and never writes it. A pair id is stable
across runs: it is derived from the two record ids, whatever order they come in.
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl

log = logging.getLogger(__name__)

MATCH = "match"
NO_MATCH = "no match"
DECISIONS = (MATCH, NO_MATCH)


class DecisionFileError(ValueError):
    """The decision file cannot be used (one line, no person data)."""


def pair_id_sql(left: str, right: str) -> str:
    """SQL for a stable 16-hex id of an unordered pair of record ids."""
    return f"substr(sha256(least({left}, {right}) || '|' || greatest({left}, {right})), 1, 16)"


def read_decisions(path: Path) -> pl.DataFrame:
    """(pair_id, decision) from the reviewer's file; empty if there is none."""
    empty = pl.DataFrame(schema={"pair_id": pl.Utf8, "decision": pl.Utf8})
    if not path.is_file():
        return empty
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as error:
        raise DecisionFileError(f"{path}: not a readable CSV ({type(error).__name__})") from None
    if frame.is_empty():
        return empty
    missing = {"pair_id", "decision"} - set(frame.columns)
    if missing:
        raise DecisionFileError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    decisions = frame.select(
        pl.col("pair_id").str.strip_chars(),
        pl.col("decision").str.strip_chars().str.to_lowercase(),
    )
    unknown = decisions.filter(~pl.col("decision").is_in(DECISIONS)).height
    if unknown:
        raise DecisionFileError(f"{path}: {unknown} decision(s) other than 'match' / 'no match'")
    # The last line about a pair wins: a reviewer may change their mind further down.
    return decisions.unique("pair_id", keep="last", maintain_order=True)

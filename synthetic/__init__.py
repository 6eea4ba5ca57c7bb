"""A synthetic world for tipstats: agency files in the SPEC formats and their ground truth.

Imports nothing from `sources`, `schemas` or `pipelines`, so tests that compare
the pipeline's output with this truth are independent of the code they test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthetic.draw import draw_world
from synthetic.formats import (
    Ledger,
    write_anitp,
    write_diicot,
    write_instante,
    write_ong,
    write_politie,
)
from synthetic.truth import write_truth

__all__ = ["WorldSummary", "generate_world", "parse_years"]


@dataclass(frozen=True)
class WorldSummary:
    victim_episodes: int
    offenders: int
    files: int
    rows: int
    injected_errors: int

    def __str__(self) -> str:
        return (
            f"{self.victim_episodes} victim identifications, {self.offenders} offenders, "
            f"{self.files} files, {self.rows} rows, {self.injected_errors} invalid rows on purpose"
        )


def parse_years(text: str) -> range:
    """'2012-2024' -> range(2012, 2025); '2020' -> range(2020, 2021)."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", text)
    if not match:
        raise ValueError(f"years must look like 2012-2024 or 2020, not '{text}'")
    first, last = int(match[1]), int(match[2] or match[1])
    if last < first:
        raise ValueError(f"the last year {last} comes before the first year {first}")
    return range(first, last + 1)


def generate_world(
    out: Path, truth_out: Path, years: range, victims_per_year: int, seed: int
) -> WorldSummary:
    """Draw one world and write its landing zone (`out`) and ground truth (`truth_out`)."""
    world = draw_world(seed, years, victims_per_year)
    rng = np.random.default_rng(seed + 7)
    ledger = Ledger()
    revised = set(list(years)[::2])
    files = [
        *write_politie(out, world, ledger, rng),
        *write_diicot(out, world, ledger, rng),
        *write_instante(out, world, ledger, rng),
        *write_anitp(out, world, ledger, revised, rng),
        *write_ong(out, world, ledger, rng),
    ]
    write_truth(truth_out, world, ledger)
    return WorldSummary(
        victim_episodes=world.victims.height,
        offenders=world.offenders.height,
        files=len(files),
        rows=len(ledger.records),
        injected_errors=len(ledger.errors),
    )

"""Capture-history tables for the MSE tests: the public ones and hand-built ones."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np

from pipelines.estimation.capture import CaptureTable, from_rows, read_table

PUBLIC = Path(__file__).resolve().parents[1] / "fixtures" / "mse"


def public(name: str) -> CaptureTable:
    return read_table(PUBLIC / f"{name}.csv")


def table(lists: str, cells: dict[str, int]) -> CaptureTable:
    """A table from {'110': 20, ...}: one digit per list, in the order of `lists`."""
    rows = [[*history, str(count)] for history, count in cells.items()]
    return from_rows([*lists, "n"], rows, "test table")


def log_linear(lists: str, total: float, odds: list[float], pair_odds: float) -> CaptureTable:
    """Expected counts of a known log-linear population, rounded: every list captures
    independently with the given odds, except that the first two lists are associated
    with the given odds ratio. Returns the observable cells; the truth is `total`."""
    weights = {}
    for bits in product((0, 1), repeat=len(lists)):
        weight = float(np.prod([o**b for o, b in zip(odds, bits, strict=True)]))
        weights[bits] = weight * pair_odds ** (bits[0] * bits[1])
    scale = total / sum(weights.values())
    cells = {
        "".join(map(str, bits)): round(scale * weight)
        for bits, weight in weights.items()
        if any(bits)
    }
    return table(lists, cells)

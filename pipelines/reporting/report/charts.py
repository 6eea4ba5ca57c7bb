"""Charts as inline SVG (matplotlib, no pyplot: no GUI backend, no global figure state).

Text stays text (`svg.fonttype: none`), ids are prefixed per chart so that several SVGs can
live in one HTML page, and the output is deterministic (fixed hash salt, no date).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "tipstats",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "axes.axisbelow": True,
}
PALETTE = ("#1f5f8b", "#e07b39", "#5a9e6f", "#b5485d", "#7d6bb3", "#c9a227", "#4bb3c4", "#8c8c8c")
_ID = re.compile(r'(id="|url\(#|href="#)')
Values = Sequence[float | None]


@contextmanager
def figure(width: float, height: float) -> Iterator[Figure]:
    with mpl.rc_context(STYLE):  # type: ignore[arg-type]  # keys typed as literals
        yield Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure, prefix: str) -> str:
    """The figure as an `<svg>` element (no XML prolog), its ids prefixed with `prefix`."""
    buffer = io.StringIO()
    with mpl.rc_context(STYLE):  # type: ignore[arg-type]  # keys typed as literals
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return _ID.sub(lambda m: f"{m.group(1)}{prefix}-", svg)


def _heights(values: Values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _nothing_drawn(ax: Axes) -> None:
    """Every value zero or hidden (public release): say so instead of an empty frame."""
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.text(
        0.5,
        0.5,
        "nothing to draw: every value is 0 or hidden (see the table)",
        transform=ax.transAxes,
        ha="center",
        va="center",
        color="#777777",
    )


def bars(
    categories: Sequence[str],
    series: Mapping[str, Values],
    ylabel: str,
    prefix: str,
    horizontal: bool = False,
) -> str:
    """Stacked bars (one stack per category); a missing value (hidden) draws nothing."""
    height = max(2.6, 0.28 * len(categories) + 0.8) if horizontal else 3.0
    with figure(7.5, height) as fig:
        ax = fig.add_subplot()
        positions = np.arange(len(categories))
        base = np.zeros(len(categories))
        for (name, values), colour in zip(series.items(), PALETTE, strict=False):
            heights = _heights(values)
            drawn = np.nan_to_num(heights)
            if horizontal:
                ax.barh(positions, drawn, left=base, color=colour, label=name)
            else:
                ax.bar(positions, drawn, bottom=base, color=colour, label=name, width=0.7)
            base = base + drawn
        if horizontal:
            ax.set_yticks(positions, list(categories))
            ax.invert_yaxis()
            ax.set_xlabel(ylabel)
            ax.grid(axis="x", color="#dddddd")
            ax.grid(axis="y", visible=False)
        else:
            ax.set_xticks(positions, list(categories))
            ax.set_ylabel(ylabel)
        if not base.any():
            _nothing_drawn(ax)
        elif horizontal:
            ax.set_xlim(left=0)
        else:
            ax.set_ylim(bottom=0)
        if len(series) > 1:
            ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return to_svg(fig, prefix)


def lines(x: Sequence[str], series: Mapping[str, Values], ylabel: str, prefix: str) -> str:
    """One line per series with its points; a missing value breaks the line."""
    with figure(7.5, 3.0) as fig:
        ax = fig.add_subplot()
        positions = np.arange(len(x))
        for (name, values), colour in zip(series.items(), PALETTE, strict=False):
            ax.plot(positions, _heights(values), marker="o", color=colour, label=name)
        ax.set_xticks(positions, list(x))
        ax.set_ylabel(ylabel)
        if all(np.isnan(_heights(v)).all() for v in series.values()):
            _nothing_drawn(ax)
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return to_svg(fig, prefix)

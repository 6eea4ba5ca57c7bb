"""The choropleth of a rate by county of residence, as inline SVG.

Geometry: `ro_counties.geojson` beside this module (geoBoundaries ROU ADM1, CC BY 4.0,
simplified; provenance in docs/REFERENCE_SOURCES.md), 42 features keyed by ISO 3166-2. Each
county is one SVG group `g.county` carrying its code, name and the rate drawn, so the map
can be checked against the table beside it.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from pipelines.reporting.report import charts

GEOMETRY = Path(__file__).with_name("ro_counties.geojson")
ATTRIBUTION = (
    "County boundaries: geoBoundaries (Runfola et al. 2020, PLOS ONE 15(4): e0231866), "
    "data source World Bank, CC BY 4.0; simplified."
)
HIDDEN_COLOUR, ZERO_COLOUR, UNKNOWN_COLOUR = "#bdbdbd", "#f7f4ee", "#ffffff"
CLASSES = 4
# București sits inside Ilfov: Ilfov's name goes above the capital's.
LABEL_NUDGE = {"RO-IF": (0.0, 0.22), "RO-B": (0.0, -0.02)}
PREFIX = "map"
_GROUP = re.compile(rf'<g id="{PREFIX}-county-(RO-[A-Z]+)">')


@dataclass(frozen=True)
class County:
    code: str
    name: str
    rings: list[np.ndarray]  # exterior and hole rings of every polygon, lon/lat


@cache
def counties() -> tuple[County, ...]:
    features: list[dict[str, Any]] = json.loads(GEOMETRY.read_text(encoding="utf-8"))["features"]
    out = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = [np.array(ring, dtype=float) for polygon in polygons for ring in polygon]
        props = feature["properties"]
        out.append(County(props["iso_3166_2"], props["name"], rings))
    return tuple(out)


def _label_point(county: County) -> tuple[float, float]:
    """Centroid of the county's largest ring (shoelace), nudged where labels collide."""
    ring = max(county.rings, key=lambda r: abs(_area(r)))
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
    dx, dy = LABEL_NUDGE.get(county.code, (0.0, 0.0))
    return float(cx + dx), float(cy + dy)


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float((x[:-1] * y[1:] - x[1:] * y[:-1]).sum() / 2)


def breaks(rates: list[float]) -> list[float]:
    """Upper bounds of the classes of positive rates: quartiles, rounded to 2 decimals."""
    positive = sorted(r for r in rates if r > 0)
    if not positive:
        return []
    bounds = np.quantile(positive, np.linspace(0, 1, CLASSES + 1)[1:])
    return sorted({math.ceil(b * 100) / 100 for b in bounds})


def _colour(rate: float | None, hidden: bool, bounds: list[float], colours: list[str]) -> str:
    if hidden:
        return HIDDEN_COLOUR
    if rate is None:
        return UNKNOWN_COLOUR
    if rate == 0:
        return ZERO_COLOUR
    return colours[next((i for i, b in enumerate(bounds) if rate <= b), len(bounds) - 1)]


def _legend(bounds: list[float], colours: list[str], public: bool) -> list[Patch]:
    entries = [Patch(facecolor=ZERO_COLOUR, edgecolor="#999999", label="0")]
    low = "> 0"
    for bound, colour in zip(bounds, colours, strict=True):
        entries.append(Patch(facecolor=colour, edgecolor="#999999", label=f"{low} – {bound:.2f}"))
        low = f"{bound:.2f}"
    if public:
        entries.append(
            Patch(facecolor=HIDDEN_COLOUR, edgecolor="#999999", label="not published (<10, [c])")
        )
    entries.append(Patch(facecolor=UNKNOWN_COLOUR, edgecolor="#999999", label="no rate"))
    return entries


def choropleth(rates: dict[str, float | None], hidden: set[str], title: str, public: bool) -> str:
    """The map of `rates` (ISO code -> rate per 100,000; None = no rate); counties in `hidden`
    are grey (their count was not published)."""
    shown = [r for code, r in rates.items() if r is not None and code not in hidden]
    bounds = breaks(shown)
    cmap = mpl.colormaps["YlOrRd"]
    colours = [
        mpl.colors.to_hex(cmap(0.2 + 0.75 * i / max(len(bounds) - 1, 1)))
        for i in range(len(bounds))
    ]
    with charts.figure(7.2, 5.4) as fig:
        ax = fig.add_subplot()
        for county in counties():
            rate = rates.get(county.code)
            path = MplPath.make_compound_path(
                *(MplPath(ring, closed=True) for ring in county.rings)
            )
            fill = _colour(rate, county.code in hidden, bounds, colours)
            patch = PathPatch(
                path,
                facecolor=fill,
                edgecolor="#555555",
                linewidth=0.4,
            )
            patch.set_gid(f"county-{county.code}")
            ax.add_patch(patch)
            x, y = _label_point(county)
            dark = fill in colours[len(colours) // 2 :]
            ax.text(
                x,
                y,
                county.name,
                fontsize=5.5,
                ha="center",
                va="center",
                color="white" if dark else "#222222",
            )
        ax.autoscale_view()
        ax.set_aspect(1 / math.cos(math.radians(45.9)))  # equirectangular at Romania's latitude
        ax.set_axis_off()
        ax.set_title(title, fontsize=10)
        ax.legend(
            handles=_legend(bounds, colours, public),
            title="per 100,000",
            loc="lower left",
            fontsize=7,
            title_fontsize=7,
            frameon=False,
        )
        svg = charts.to_svg(fig, PREFIX)
    return _annotate(svg, rates, hidden)


def _annotate(svg: str, rates: dict[str, float | None], hidden: set[str]) -> str:
    """Each county group gets its code, name and rate as attributes and a tooltip."""
    names = {c.code: c.name for c in counties()}

    def group(match: re.Match[str]) -> str:
        code = match.group(1)
        rate = rates.get(code)
        shown = (
            "not published" if code in hidden else ("no rate" if rate is None else f"{rate:.2f}")
        )
        value = "" if rate is None or code in hidden else f' data-rate="{rate!r}"'
        name = html.escape(names[code])
        return (
            f'<g id="{PREFIX}-county-{code}" class="county" data-county="{code}"{value}>'
            f"<title>{name}: {shown} per 100,000</title>"
        )

    return _GROUP.sub(group, svg)

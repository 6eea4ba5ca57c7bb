"""The machine and versions, and the Markdown table of a results file."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any

from harness import P3_PHASES

PACKAGES = (
    *("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "polars", "pandera"),
    *("pandas", "openpyxl"),
)


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return 0.0


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "versions": {name: version(name) for name in PACKAGES},
    }


def _rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(figure, value, target) rows for every section present."""
    rows: list[tuple[str, str, str]] = []
    if p1 := result.get("p1"):
        rows += [
            ("P1 full refresh, sample", f"{p1['full_refresh_seconds']} s", "≤ 15 s"),
            ("P1 run with nothing new", f"{p1['nothing_new_seconds']} s", "≤ 5 s"),
            (
                "P1 nothing new, every step run (--force)",
                f"{p1['nothing_new_forced_seconds']} s "
                f"({p1['nothing_new_forced_over_nothing_new']}× the check)",
                "",
            ),
            ("P1 one new extract", f"{p1['one_new_extract_seconds']} s", ""),
        ]
        rows += [
            (f"P1 overhead: {name}", f"{value} s" if "over" not in name else f"{value}×", "")
            for name, value in p1["fixed_overhead_seconds"].items()
        ]
    if p2 := result.get("p2"):
        for point in p2["sizes"]:
            size = f"{point['rows'] / 1e6:.2f} M rows"
            if "failed" in point:
                rows.append((f"P2 pipeline, {size}", f"failed: {point['failed']}", ""))
                continue
            rows += [
                (f"P2 pipeline, {size}", f"{point['pipeline_seconds']} s", "≤ 180 s at 10 M"),
                (f"P2 peak memory, {size}", f"{point['peak_mib'] / 1024:.2f} GiB", "≤ 4 GiB"),
                (
                    f"P2 peak memory of the processes together, {size}",
                    f"{point['peak_together_mib'] / 1024:.2f} GiB",
                    "",
                ),
                (f"P2 DuckDB floor, {size}", f"{point['floor_seconds']} s", ""),
                (f"P2 pipeline / floor, {size}", f"{point['pipeline_over_floor']}×", "≤ 3×"),
            ]
            rows += [
                (f"P2 {stage}, {size}", f"{s['rows_per_second']:,} rows/s ({s['seconds']} s)", "")
                for stage, s in point["stages"].items()
                if s["rows_per_second"]
            ]
        if growth := p2.get("growth"):
            rows.append(
                (
                    "P2 growth",
                    f"{growth['seconds_per_million_rows']} s per M rows, "
                    f"log-log exponent {growth['log_log_exponent']}",
                    "linear (exponent ≈ 1)",
                )
            )
    if p3 := result.get("p3"):
        phases = ", ".join(f"{name} {p3[f'{name}_seconds']}" for name in P3_PHASES[:-1])
        rows += [
            ("P3 new extract → published", f"{p3['drop_to_published_seconds']} s", "≤ 30 s"),
            ("P3 phases (s)", f"{phases}; the sensor ticks every {p3['tick_seconds']} s", ""),
        ]
        if "first_run_drop_to_published_seconds" in p3:
            first = p3["first_run_drop_to_published_seconds"]
            rows.append(("P3 the daemon's first run (its process starts cold)", f"{first} s", ""))
    if p4 := result.get("p4"):
        seconds = p4["seconds"]
        label = f"{p4['rows'] / 1e6:g} M rows"
        rows += [
            (f"P4 pandera polars, {label}", f"{seconds['pandera_polars']} s", ""),
            (f"P4 pandera pandas, {label}", f"{seconds['pandera_pandas']} s", ""),
            (f"P4 pure polars floor, {label}", f"{seconds['polars_floor']} s", ""),
            ("P4 pandas / polars", f"{p4['pandas_over_polars']}×", "≥ 10×"),
            ("P4 pandera polars / floor", f"{p4['polars_over_floor']}×", ""),
            (
                "P4 pandas / floor (the most pandas / polars can be)",
                f"{p4['pandas_over_floor']}×",
                "",
            ),
        ]
    return rows + _linkage_rows(result)


def _linkage_rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    if (link := result.get("linkage")) and "failed" not in link:
        label = f"{link['records'] / 1e6:g} M records"
        rows += [
            (f"Linkage, {label}", f"{link['seconds']} s", "< 300 s"),
            (f"Linkage peak memory, {label}", f"{link['peak_memory_gib']} GiB", "< 4 GiB"),
            (
                "Linkage persons found / true persons",
                f"{link['persons']:,} / {link['true_persons']:,}",
                "",
            ),
        ]
    elif link:
        rows.append(("Linkage", f"failed: {link['failed']}", "< 300 s, < 4 GiB"))
    if mse := result.get("mse"):
        figure = (
            f"MSE {mse['replicates']:,} bootstrap replicates, {mse['method']}, {mse['lists']} lists"
        )
        rows.append((figure, f"{mse['wall_seconds']} s", "< 20 s"))
    return rows


def _profiles(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    if (p1 := result.get("p1")) and (profile := p1.get("profile_full_refresh")):
        found.append(("P1 full refresh", profile))
    for point in (result.get("p2") or {}).get("sizes", []):
        if profile := point.get("profile"):
            found.append((f"P2 {point['rows'] / 1e6:.2f} M rows", profile))
    return found


def _shares(pairs: list[list[Any]], top: int = 10) -> str:
    return "; ".join(f"{name} {share}%" for name, share in pairs[:top])


def _profile_lines(result: dict[str, Any]) -> list[str]:
    """Where the time went, by the py-spy profiles of `--profile`."""
    lines = []
    for label, profile in _profiles(result):
        if "failed" in profile:
            lines.append(f"- {label}: no profile ({profile['failed']})")
            continue
        processes = ", ".join(f"{name} {s} s" for name, s in profile["processes"].items())
        lines += [
            f"- {label} (`{profile['file']}`, {profile['sampled_seconds']} s sampled: {processes})",
            f"  - where in the project's code (each sample to the deepest project function "
            f"on its stack): {_shares(profile['project_innermost_percent'])}",
            f"  - top of the stack: {_shares(profile['self_percent'])}",
        ]
    return ["", "Profiles (py-spy, every process of the run):", "", *lines] if lines else []


def markdown(result: dict[str, Any]) -> str:
    info = result["machine"]
    versions = ", ".join(f"{name} {v}" for name, v in info["versions"].items())
    lines = [
        f"Benchmarks of {result['when']}: {info['cpus']} CPUs, {info['memory_gib']} GiB, "
        f"Python {info['python']}, {info['platform']}; {versions}. Each figure is the median "
        f"of {result['repeat']} runs; load average before/after each section: "
        f"{result.get('load_average_before_after', {})}.",
        "",
        "| figure | measured | target |",
        "| --- | --- | --- |",
        *(f"| {figure} | {value} | {target} |" for figure, value, target in _rows(result)),
        *_profile_lines(result),
    ]
    return "\n".join(lines) + "\n"

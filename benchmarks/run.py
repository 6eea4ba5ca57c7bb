"""Benchmarks, run on demand (`make bench`), never part of the tests: timings are
measurements, not assertions.

    python benchmarks/run.py [section ...] [--repeat N] [--sizes 1e6,3e6,10e6]
                             [--validation-rows 5e6] [--profile]

Sections: p1 (the bundled sample: full refresh, nothing new, one new extract, fixed
overhead), p2 (generated landing zones of --sizes person-rows, per stage, with the DuckDB
floor and the growth slope), p3 (event latency), p4 (validation: pandera polars vs pandas vs
pure polars), generator, pipeline, mse, linkage (a million keyed person records). Without
a section, all of them. Every figure is the median of --repeat runs (default 3);
side-by-side comparisons are ratios. Writes benchmarks/results/<UTC timestamp>.json and .md
(a table with the machine and versions). With --profile, P1's full refresh and each P2
size run once more under py-spy (`profiling.py`): the speedscope file goes beside the results
and the functions that took the most time into them.
For a quick look: `python benchmarks/run.py p1 p2 p4 --sizes 1e5 --validation-rows 5e5`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import profiling
import report
import scale
import validation_bench
from harness import median, timed

from pipelines.estimation.capture import read_table
from pipelines.estimation.mse import Options, estimate
from synthetic import generate_world

RESULTS = Path(__file__).parent / "results"
MSE_TABLE = Path(__file__).parents[1] / "tests" / "fixtures" / "mse" / "UKdat.csv"
MSE_REPLICATES = 1_000
GENERATOR_SIZES = (100, 1_000, 10_000)
PIPELINE_SIZE = 1_000
LINKAGE_RECORDS = 1_000_000
YEARS = range(2012, 2025)


def _timed(action: Callable[[], object]) -> float:
    return round(timed(action), 2)


def generator_scaling(scratch: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for size in GENERATOR_SIZES:
        out = scratch / f"world-{size}"
        seconds = _timed(lambda: generate_world(out / "landing", out / "truth", YEARS, size, 1))  # noqa: B023
        lines = sum(1 for _ in (out / "truth" / "agency_records.csv").open()) - 1
        rows.append(
            {"victims_per_year": size, "years": len(YEARS), "rows": lines, "seconds": seconds}
        )
    return rows


def pipeline_run(scratch: Path) -> dict[str, object]:
    out = scratch / "pipeline"
    generate_world(out / "landing", out / "truth", YEARS, PIPELINE_SIZE, 2)
    tipstats = Path(sys.executable).with_name("tipstats")
    env = {**os.environ, "TIPSTATS_PSEUDONYM_KEY": "benchmark-key-0123456789abcdef"}
    command = [
        str(tipstats),
        "run",
        "--landing",
        str(out / "landing"),
        "--warehouse",
        str(out / "w.duckdb"),
    ]
    seconds = _timed(lambda: subprocess.run(command, check=True, env=env, capture_output=True))
    again = _timed(lambda: subprocess.run(command, check=True, env=env, capture_output=True))
    return {
        "victims_per_year": PIPELINE_SIZE,
        "years": len(YEARS),
        "first_run_seconds": seconds,
        "rerun_nothing_new_seconds": again,
    }


def mse_bootstrap(_scratch: Path) -> dict[str, object]:
    """Wall and CPU seconds: the CPU time does not grow when other jobs share the cores."""
    table = read_table(MSE_TABLE)
    options = Options(method="stepwise", p_threshold=0.02, replicates=MSE_REPLICATES, seed=1)
    load_before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    result = estimate(table, options)
    return {
        "table": MSE_TABLE.name,
        "lists": len(table.lists),
        "method": options.method,
        "replicates": MSE_REPLICATES,
        "wall_seconds": round(time.perf_counter() - wall, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "load_average_before": round(load_before, 2),
        "estimate": round(result.estimate),
        "interval": [round(bound) for bound in result.interval],
    }


def linkage(scratch: Path, repeat: int) -> dict[str, object]:
    """Link a million keyed person records (benchmarks/linkage_records.py): made once by one
    child process, linked `repeat` times by others, each reporting its own peak memory."""
    child = [sys.executable, str(Path(__file__).with_name("linkage_records.py"))]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    warehouse = scratch / "linkage.duckdb"
    commands = [["make", str(LINKAGE_RECORDS), str(warehouse)]]
    commands += [["link", str(warehouse)]] * repeat
    runs: list[dict[str, Any]] = []
    for command in commands:
        done = subprocess.run(
            [*child, *command], capture_output=True, text=True, env=env, check=False
        )
        if done.returncode != 0:  # the child's last line says why (e.g. DuckDB out of memory)
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {"records": LINKAGE_RECORDS, "failed": last}
        if command[0] == "link":
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    result: dict[str, object] = runs[0] | {
        "seconds": median([r["seconds"] for r in runs]),
        "peak_memory_gib": max(r["peak_memory_gib"] for r in runs),
        "runs": len(runs),
    }
    return result


def _sizes(text: str) -> list[int]:
    return [int(float(size)) for size in text.split(",") if size]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="tipstats benchmarks (results/ folder)")
    parser.add_argument("sections", nargs="*", metavar="section")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--sizes", type=_sizes, default=P2_SIZES, help="P2 person-rows")
    parser.add_argument("--validation-rows", type=lambda t: int(float(t)), default=P4_ROWS)
    parser.add_argument(
        "--profile", action="store_true", help="one more P1/P2 run each under py-spy"
    )
    arguments = parser.parse_args()
    unknown = sorted(set(arguments.sections) - set(SECTIONS))
    if unknown:
        parser.exit(
            2, f"unknown benchmark section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}\n"
        )
    if arguments.repeat < 1:
        parser.exit(2, "--repeat must be at least 1\n")
    return arguments


SECTIONS = ("p1", "p2", "p3", "p4", "generator", "pipeline", "mse", "linkage")
P2_SIZES = [1_000_000, 3_000_000, 10_000_000]
P4_ROWS = 5_000_000


def _section(
    name: str, scratch: Path, arguments: argparse.Namespace, profiler: profiling.Profiler | None
) -> object:
    repeat = arguments.repeat
    if name == "p1":
        return scale.p1_sample(scratch, repeat, profiler)
    if name == "p2":
        return scale.p2_scale(scratch, repeat, arguments.sizes, profiler)
    if name == "p3":
        return scale.p3_latency(scratch, repeat)
    if name == "p4":
        return validation_bench.p4_validation(arguments.validation_rows, repeat)
    if name == "linkage":
        return linkage(scratch, repeat)
    legacy = {
        "generator": generator_scaling,
        "pipeline": pipeline_run,
        "mse": mse_bootstrap,
    }
    return legacy[name](scratch)


def main() -> None:
    arguments = _arguments()
    chosen = arguments.sections or list(SECTIONS)
    result: dict[str, object] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": report.machine(),
        "repeat": arguments.repeat,
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = str(result["when"]).replace(":", "")
    profiler = profiling.Profiler(RESULTS, stamp) if arguments.profile else None
    # The load average beside each section: other jobs on the machine slow the figures down.
    loads: dict[str, list[float]] = {}
    for name in chosen:
        before = scale.cpu_load()
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as scratch:
            result[name] = _section(name, Path(scratch), arguments, profiler)
        loads[name] = [before, scale.cpu_load()]
    result["load_average_before_after"] = loads
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = report.markdown(result)
    path.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    print(f"written to {path} and {path.with_suffix('.md').name}")


if __name__ == "__main__":
    main()

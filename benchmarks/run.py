"""Benchmarks, run on demand (`make bench`): generator scaling, a full pipeline run, and
the MSE bootstrap (1,000 replicates of a stepwise fit on the six UK lists), and the
linkage of a million person records.

`python benchmarks/run.py [section ...]` runs only the named sections (generator, pipeline,
mse, linkage). Writes benchmarks/results/<UTC timestamp>.json with the machine, the sizes and the
seconds. Not part of the test suite: timings are measurements, never assertions.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

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


def _timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return round(time.perf_counter() - start, 2)


def generator_scaling(scratch: Path) -> list[dict[str, object]]:
    rows = []
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


def linkage(_scratch: Path) -> dict[str, object]:
    """Link a million keyed person records (benchmarks/linkage_records.py) in a child
    process: its seconds, and its peak memory (the child's maximum resident set)."""
    child = Path(__file__).with_name("linkage_records.py")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, str(child), str(LINKAGE_RECORDS)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:  # the child's last line says why (e.g. DuckDB out of memory)
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"records": LINKAGE_RECORDS, "failed": last}
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result | {"peak_memory_gib": round(peak_kib / 2**20, 2)}


SECTIONS = {
    "generator": generator_scaling,
    "pipeline": pipeline_run,
    "mse": mse_bootstrap,
    "linkage": linkage,
}


def main() -> None:
    chosen = sys.argv[1:] or list(SECTIONS)
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        sys.exit(
            f"unknown benchmark section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}"
        )
    with tempfile.TemporaryDirectory() as scratch:
        result: dict[str, object] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
            },
        }
        for name in chosen:
            result[name] = SECTIONS[name](Path(scratch))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{str(result['when']).replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()

"""Benchmarks, run on demand (`make bench`): generator scaling and a full pipeline run.

Writes benchmarks/results/<UTC timestamp>.json with the machine, the sizes and the seconds.
Not part of the test suite: timings are measurements, never assertions.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from synthetic import generate_world

RESULTS = Path(__file__).parent / "results"
GENERATOR_SIZES = (100, 1_000, 10_000)
PIPELINE_SIZE = 1_000
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


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        result = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
            },
            "generator": generator_scaling(Path(scratch)),
            "pipeline": pipeline_run(Path(scratch)),
        }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()

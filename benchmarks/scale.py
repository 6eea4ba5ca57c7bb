"""P1 (the bundled sample), P2 (generated landing zones, with the DuckDB floor), P3 (event
latency). Every pipeline run is `tipstats run` in its own process, as a steward runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
from harness import (
    P3_PHASES,
    TIPSTATS,
    by_stage,
    measure,
    median,
    run_env,
    step_seconds,
    timed,
    tipstats_run,
)
from profiling import Profiler

from synthetic import generate_world

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "sample" / "landing"
# The extract that arrives late in P1's "one new file" and P3: a revised ANITP extract.
LATE = Path("anitp") / "anitp_2024_20250601.csv"
EARLIER = Path("anitp") / "anitp_2024_20250115.csv"  # P3: the daemon's first run
YEARS = range(2012, 2025)
# Person-rows per victim and year in a generated world (measured: 12,666 rows for 200 a year
# over 13 years); turns a wanted row count into the generator's victims per year.
ROWS_PER_VICTIM_YEAR = 4.87


def _landing_without_late(scratch: Path) -> tuple[Path, Path]:
    landing = scratch / "landing"
    shutil.copytree(SAMPLE, landing)
    late = scratch / LATE.name
    shutil.move(landing / LATE, late)
    return landing, late


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def fixed_overhead(scratch: Path, repeat: int) -> dict[str, float]:
    """What every run pays before touching data: Python, the CLI's imports, the Dagster
    definitions, one dbt process, and dbt's parse from scratch against a kept partial parse."""
    target = scratch / "dbt-target"
    env = run_env(TIPSTATS_WAREHOUSE=str(scratch / "parse.duckdb"))
    dbt = [str(TIPSTATS.with_name("dbt")), "parse", "--project-dir", str(ROOT / "dbt_project")]
    dbt += ["--profiles-dir", str(ROOT / "dbt_project"), "--target-path", str(target)]
    commands = {
        "python_start": _python("pass"),
        "cli_imports": [str(TIPSTATS), "--help"],
        "dagster_definitions": _python("from pipelines.definitions import defs; defs()"),
        "dbt_version_call": [str(TIPSTATS.with_name("dbt")), "--version"],
        "dbt_parse_warm": dbt,
    }
    result = {
        name: median([measure(command, env).seconds for _ in range(repeat)])
        for name, command in commands.items()
    }
    cold = []
    for _ in range(repeat):
        shutil.rmtree(target, ignore_errors=True)
        cold.append(measure(dbt, env).seconds)
    result["dbt_parse_cold"] = median(cold)
    result["dbt_parse_cold_over_warm"] = round(
        result["dbt_parse_cold"] / result["dbt_parse_warm"], 2
    )
    return result


def p1_sample(scratch: Path, repeat: int, profiler: Profiler | None = None) -> dict[str, object]:
    """Full refresh of the sample, a run with nothing new, and a run with one new extract;
    with a `profiler`, one more full refresh under it."""
    full, again, forced, one_new, peaks = [], [], [], [], []
    for index in range(repeat):
        folder = scratch / f"p1-{index}"
        landing, late = _landing_without_late(folder)
        warehouse = folder / "w.duckdb"
        first = measure(tipstats_run(landing, warehouse))
        full.append(first.seconds)
        peaks.append(first.peak_mib)
        again.append(measure(tipstats_run(landing, warehouse)).seconds)
        # The same with every step run (the Dagster run finds nothing to read or build).
        forced.append(measure([*tipstats_run(landing, warehouse), "--force"]).seconds)
        shutil.copy2(late, landing / LATE)
        one_new.append(measure(tipstats_run(landing, warehouse)).seconds)
        shutil.rmtree(folder)
    profile = None
    if profiler:
        landing, _ = _landing_without_late(scratch / "p1-profiled")
        profile = profiler.run(tipstats_run(landing, landing.parent / "w.duckdb"), "p1-full")
    return {
        "rows": _sample_rows(),
        "full_refresh_seconds": median(full),
        "full_refresh_peak_mib": median(peaks),
        "nothing_new_seconds": median(again),
        "nothing_new_forced_seconds": median(forced),
        "nothing_new_forced_over_nothing_new": round(median(forced) / median(again), 1),
        "one_new_extract_seconds": median(one_new),
        "note": f"full refresh = the sample less {LATE}, which then arrives as the new extract; "
        "nothing new = the up-front check alone, forced = every step run (--force)",
        "fixed_overhead_seconds": fixed_overhead(scratch, repeat),
        **({"profile_full_refresh": profile} if profile else {}),
    }


def _sample_rows() -> int:
    return sum(
        max(len(path.read_bytes().splitlines()) - 1, 0)
        for path in SAMPLE.rglob("*")
        if path.suffix in {".csv", ".jsonl"}
    )


def generate(scratch: Path, rows: int) -> tuple[Path, int, float]:
    """A generated landing zone of about `rows` person-rows: its path, its exact row count
    (the ground truth's agency records) and the seconds the generator took."""
    folder = scratch / f"world-{rows}"
    victims = max(1, round(rows / ROWS_PER_VICTIM_YEAR / len(YEARS)))
    seconds = timed(
        lambda: generate_world(folder / "landing", folder / "truth", YEARS, victims, 11)
    )
    with (folder / "truth" / "agency_records.csv").open("rb") as records:
        exact = sum(1 for _ in records) - 1
    return folder / "landing", exact, round(seconds, 1)


FLOOR_SQL = """
WITH files AS (
    SELECT *, regexp_extract(filename, 'anitp_(\\d{4})_(\\d{8})', 1) AS period,
              regexp_extract(filename, 'anitp_(\\d{4})_(\\d{8})', 2) AS extracted
    FROM read_csv(?, all_varchar = true, header = true, filename = true)
),
latest AS (
    SELECT * FROM files QUALIFY extracted = max(extracted) OVER (PARTITION BY period)
)
SELECT substr(DATA_IDENTIFICARE, 1, 4) AS year, JUDET_RESEDINTA AS county, SEX AS sex,
       count(DISTINCT ID_SIMEV) AS victims
FROM latest GROUP BY ALL
"""


def duckdb_floor(landing: Path) -> int:
    """DuckDB alone: read the landing zone's text files (police in Windows-1250, read as
    Latin-1 since only rows are counted; courts JSON lines) and compute victims by year x
    county x sex from the latest ANITP extract of each year. DuckDB cannot read XLSX without
    its `excel` extension, which is not installed here, so the workbooks are left out."""
    with duckdb.connect() as con:
        con.execute("SET threads = 2")
        police = sorted(str(p) for p in (landing / "politie").glob("*.csv"))
        courts = sorted(str(p) for p in (landing / "instante").glob("*.jsonl"))
        con.execute(
            "SELECT count(*) FROM read_csv(?, all_varchar = true, encoding = 'latin-1')",
            [police],
        ).fetchall()
        con.execute("SELECT count(*) FROM read_json(?, format = 'newline_delimited')", [courts])
        anitp = sorted(str(p) for p in (landing / "anitp").glob("*.csv"))
        return len(con.execute(FLOOR_SQL, [anitp]).fetchall())


def p2_one_size(
    scratch: Path, rows: int, repeat: int, profiler: Profiler | None = None
) -> dict[str, object]:
    landing, exact, generator_seconds = generate(scratch, rows)
    runs, peaks, together, stages = [], [], [], []
    for index in range(repeat):
        folder = scratch / f"p2-{rows}-{index}"
        folder.mkdir()
        try:
            measured = measure(tipstats_run(landing, folder / "w.duckdb"))
        except RuntimeError as error:  # a size that fails is reported; the others still run
            shutil.rmtree(landing.parent)
            shutil.rmtree(folder)
            return {"rows": exact, "generator_seconds": generator_seconds, **_failure(error)}
        runs.append(measured.seconds)
        peaks.append(measured.peak_mib)
        together.append(measured.together_mib)
        stages.append(by_stage(step_seconds(folder / "dagster_home")))
        shutil.rmtree(folder)
    floor = [timed(lambda: duckdb_floor(landing)) for _ in range(repeat)]
    stage_seconds = {name: median([s.get(name, 0.0) for s in stages]) for name in stages[0]}
    profile = None
    if profiler:
        warehouse = scratch / f"p2-{rows}-profiled" / "w.duckdb"
        warehouse.parent.mkdir()
        profile = profiler.run(tipstats_run(landing, warehouse), f"p2-{rows}")
        shutil.rmtree(warehouse.parent)
    shutil.rmtree(landing.parent)
    pipeline = median(runs)
    return {
        "rows": exact,
        "generator_seconds": generator_seconds,
        "pipeline_seconds": pipeline,
        "pipeline_rows_per_second": round(exact / pipeline),
        "peak_mib": median(peaks),
        "peak_together_mib": median(together),
        "stages": {
            name: {
                "seconds": seconds,
                "rows_per_second": round(exact / seconds) if seconds else None,
            }
            for name, seconds in stage_seconds.items()
        },
        "floor_seconds": median(floor),
        "pipeline_over_floor": round(pipeline / median(floor), 1),
        **({"profile": profile} if profile else {}),
    }


def _failure(error: RuntimeError) -> dict[str, object]:
    """The run's failed steps (`tipstats run`'s own lines), else its last error line, and
    its seconds unknown."""
    lines = [line.strip() for line in str(error).splitlines()]
    steps = [line for line in lines if line.startswith("FAILED step:")]
    errors = [line for line in lines if "Error" in line]
    return {"failed": " / ".join(steps) if steps else errors[-1] if errors else lines[0]}


def p2_scale(
    scratch: Path, repeat: int, sizes: list[int], profiler: Profiler | None = None
) -> dict[str, object]:
    points = [p2_one_size(scratch, size, repeat, profiler) for size in sizes]
    result: dict[str, object] = {"sizes": points}
    done = [point for point in points if "failed" not in point]
    if len(done) >= 2:
        millions = np.array([float(str(p["rows"])) / 1e6 for p in done])
        seconds = np.array([float(str(p["pipeline_seconds"])) for p in done])
        slope, intercept = np.polyfit(millions, seconds, 1)
        exponent = np.polyfit(np.log(millions), np.log(seconds), 1)[0]
        result["growth"] = {
            "seconds_per_million_rows": round(float(slope), 1),
            "intercept_seconds": round(float(intercept), 1),
            "log_log_exponent": round(float(exponent), 2),  # 1.0 = linear
        }
    return result


def p3_latency(scratch: Path, repeat: int) -> dict[str, object]:
    """A new extract dropped in the landing folder -> the published tables reflect it, with
    the Dagster daemon running (benchmarks/latency.py) after a first full run of the sample
    less two extracts of ANITP. The earlier one is dropped first, as the daemon's first run
    (its run starts cold), then, once its report ran too, the later one: P3, as a daemon
    that already ran meets a file, on the same warehouse as the full run's sample less the
    later extract. Run k of n drops each (k + 1/2)/n of the sensor's interval before a tick:
    spread over the interval, as files arrive at any moment (one moment would favour one
    side of the settle rule)."""
    first_runs, phases = [], []
    for index in range(repeat):
        folder = scratch / f"p3-{index}"
        landing, late = _landing_without_late(folder)
        earlier = folder / EARLIER.name
        shutil.move(landing / EARLIER, earlier)
        warehouse = folder / "w.duckdb"
        measure(tipstats_run(landing, warehouse))
        ahead = str((index + 0.5) / repeat)
        latency = [sys.executable, str(Path(__file__).with_name("latency.py")), str(landing)]
        done = subprocess.run(
            [*latency, ahead, str(earlier), str(late)],
            capture_output=True,
            text=True,
            env=run_env(
                TIPSTATS_WAREHOUSE=str(warehouse),
                TIPSTATS_LANDING=str(landing),
                DAGSTER_HOME=str(folder / "dagster_home"),
            ),
            check=True,
        )
        first, then = (
            dict(w.split("=", 1) for w in line.split()) for line in done.stdout.splitlines()
        )
        first_runs.append(float(first["total"]))
        phases.append({k: float(v) for k, v in then.items() if k != "file"})
        shutil.rmtree(folder)
    return {
        "drop_to_published_seconds": median([p["total"] for p in phases]),
        **{f"{name}_seconds": median([p[name] for p in phases]) for name in P3_PHASES},
        "first_run_drop_to_published_seconds": median(first_runs),
        "note": f"`dagster dev` on the project's workspace, as `make dev`; {EARLIER.name} is "
        f"dropped as the daemon's first run, then {LATE.name}, measured; run k of n drops each "
        "(k + 1/2)/n of the landing sensor's interval before a tick; settle = drop to the "
        "run's creation, queue = to its launch, start = the run's process loading the "
        "definitions, run = its steps, to the published tables",
    }


def cpu_load() -> float:
    return round(os.getloadavg()[0], 2)

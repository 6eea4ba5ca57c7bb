"""P3, in its own process: drop an extract into the landing zone, tick the landing sensor at
its own interval as the daemon does, run what it requests, and stop when the published
database lists the extract. Prints `settle=<s> run=<s> total=<s>`.

Usage: latency.py <extract> <landing>   (TIPSTATS_WAREHOUSE, DAGSTER_HOME set by the caller)
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import settings
from pipelines.ops import publication

GIVE_UP_SECONDS = 600


def published_lists(file_name: str) -> bool:
    current = publication.as_of(settings.published_dir(), None)
    with duckdb.connect(str(current.path), read_only=True) as con:
        rows = con.execute(
            "SELECT count(*) FROM marts.rpt_extracts_used WHERE source_file = ?", [file_name]
        ).fetchall()
    return bool(rows[0][0])


def _tick(sensor: dg.SensorDefinition, context: dg.SensorEvaluationContext) -> dg.SensorResult:
    result = sensor(context)
    if not isinstance(result, dg.SensorResult):
        raise TypeError(f"{sensor.name} answered {type(result).__name__}, not a SensorResult")
    return result


def main() -> None:
    extract, landing = Path(sys.argv[1]), Path(sys.argv[2])
    from pipelines.definitions import defs

    definitions = defs()
    sensor = next(s for s in definitions.sensors or [] if s.name == "landing_files")
    with dg.DagsterInstance.get() as instance:
        first = _tick(sensor, dg.build_sensor_context(instance=instance))
        cursor = first.cursor  # the files already there
        start = time.perf_counter()
        shutil.copy(extract, landing / "anitp" / extract.name)  # mtime now, as a new file
        settled = ran = 0.0
        while time.perf_counter() - start < GIVE_UP_SECONDS:
            tick = _tick(sensor, dg.build_sensor_context(instance=instance, cursor=cursor))
            cursor = tick.cursor
            for request in tick.run_requests or []:
                settled = settled or time.perf_counter() - start
                job = definitions.resolve_job_def(request.job_name or "")
                run_start = time.perf_counter()
                job.execute_in_process(instance=instance, tags=request.tags, raise_on_error=True)
                ran += time.perf_counter() - run_start
            if ran and published_lists(extract.name):
                break
            time.sleep(sensor.minimum_interval_seconds or 0)
        total = time.perf_counter() - start
    print(f"settle={settled:.2f} run={ran:.2f} total={total:.2f}")


if __name__ == "__main__":
    main()

"""P3, in its own process: Dagster as stewards run it (`make dev`: `dagster dev -w
workspace.yaml`, the UI, the daemon and a code server that keeps the definitions loaded)
watches the landing zone; each extract in turn is dropped `ahead` (a fraction of the sensor's
interval) before a tick of the landing sensor, once the runs before it (the report that
follows a publication included) ended, and its clock stops when the published database lists
it and the published standard tables are that publication's. Prints one line per extract:
`file=` and, in seconds, `settle=` (drop to the run's creation by the sensor), `queue=` (to
its launch by the run queue), `start=` (the run's process loading the definitions), `run=`
(its steps, to the tables), `total=` and `tick=` (the sensor's measured cadence). The first
extract meets a daemon that has launched no run yet; the next ones meet it as it usually is.

Usage: latency.py <landing> <ahead> <extract> [<extract>...]   (TIPSTATS_WAREHOUSE,
DAGSTER_HOME set by the caller)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.scheduler.instigation import InstigatorType, SensorInstigatorData
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES

from pipelines import settings
from pipelines.defs.sensors import FILE_TAG
from pipelines.ops import publication
from pipelines.reporting import staged

GIVE_UP_SECONDS = 600
SENSOR = "landing_files"
QUIET_SECONDS = 12  # two ticks of the report's sensor and a margin


def published_with_tables(file_name: str) -> bool:
    """Whether the publication lists the file and the standard tables are that publication's."""
    current = publication.as_of(settings.published_dir(), None)
    with duckdb.connect(str(current.path), read_only=True) as con:
        rows = con.execute(
            "SELECT count(*) FROM marts.rpt_extracts_used WHERE source_file = ?", [file_name]
        ).fetchall()
    return bool(rows[0][0]) and staged.published_current(settings.published_dir())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def dagster_dev(log: Path) -> Iterator[None]:
    """`dagster dev` on the project's workspace, stopped with every process it started (a run
    it launched included), so the caller may delete the folders they wrote to."""
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "dev", "-w", "workspace.yaml", "-p", str(_free_port())]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=settings.PROJECT_ROOT, stdout=out, stderr=out, start_new_session=True
        )
    try:
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        deadline = time.time() + 30
        while _living(process.pid) and time.time() < deadline:
            time.sleep(0.2)
        if _living(process.pid):
            os.killpg(process.pid, signal.SIGKILL)


def _living(group: int) -> bool:
    """Whether a process of `group` still runs (zombies, which only wait to be reaped, aside)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended while we looked
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            return True
    return False


def _last_tick(instance: dg.DagsterInstance) -> float | None:
    for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
        data = state.instigator_data
        if state.name == SENSOR and isinstance(data, SensorInstigatorData):
            return data.last_tick_start_timestamp
    return None


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.time() + GIVE_UP_SECONDS
    while not condition():
        if time.time() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.1)


def _tick_after(instance: dg.DagsterInstance, moment: float) -> float:
    _until(lambda: (_last_tick(instance) or 0.0) > moment, f"a tick of {SENSOR}")
    return _last_tick(instance) or 0.0


def _phases(instance: dg.DagsterInstance, tag: str, dropped: float, done: float) -> str:
    run = instance.get_runs(filters=dg.RunsFilter(tags={FILE_TAG: tag}), limit=1)[0]
    record = instance.get_run_record_by_id(run.run_id)
    assert record is not None and record.start_time is not None
    created = record.create_timestamp.timestamp()
    starting = next(
        e.timestamp for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_STARTING)
    )
    return (
        f"settle={created - dropped:.2f} queue={starting - created:.2f} "
        f"start={record.start_time - starting:.2f} run={done - record.start_time:.2f}"
    )


def _quiet(instance: dg.DagsterInstance) -> None:
    """Until no run is under way and none was requested for QUIET_SECONDS (the report a
    publication's sensor requests a tick after it)."""
    under_way = dg.RunsFilter(statuses=NOT_FINISHED_STATUSES)
    while True:
        _until(lambda: not instance.get_runs(filters=under_way, limit=1), "the runs before it")
        latest = instance.get_runs(limit=1)
        time.sleep(QUIET_SECONDS)
        if instance.get_runs(limit=1) == latest:
            return


def _drop(instance: dg.DagsterInstance, extract: Path, landing: Path, ahead: float) -> str:
    """Drops `extract` `ahead` of a tick once no run is under way; its phases and total."""
    _quiet(instance)
    first = _tick_after(instance, time.time())
    second = _tick_after(instance, first)
    tick = second - first
    time.sleep(max(0.0, second + tick * (1 - ahead) - time.time()))
    dropped = time.time()
    agency = extract.name.split("_")[0]
    shutil.copy(extract, landing / agency / extract.name)  # mtime now, as a new file
    _until(lambda: published_with_tables(extract.name), "the publication and its tables")
    done = time.time()
    phases = _phases(instance, f"{agency}/{extract.name}", dropped, done)
    return f"{phases} total={done - dropped:.2f} tick={tick:.2f}"


def main() -> None:
    landing, ahead, extracts = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    with dg.DagsterInstance.get() as instance, dagster_dev(landing.parent / "dagster-dev.log"):
        for extract in map(Path, extracts):
            print(f"file={extract.name} {_drop(instance, extract, landing, ahead)}", flush=True)


if __name__ == "__main__":
    main()

"""Jobs the run launcher's tests start in a run's process (tests/ops/test_run_launcher.py)."""

import json
import os
import time
from pathlib import Path

import dagster as dg


def process_start_time() -> float:
    """When this process started, in seconds since the epoch (Linux's /proc)."""
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    boot = next(
        float(line.split()[1])
        for line in Path("/proc/stat").read_text().splitlines()
        if line.startswith("btime ")
    )
    return boot + ticks / os.sysconf("SC_CLK_TCK")


class Note(dg.Config):
    path: str


@dg.op
def note_process(config: Note) -> None:
    """Writes which process ran the op, which Python started it (when not the usual one) and
    when that process started."""
    noted = {
        "pid": os.getpid(),
        "started_by": os.environ.get("TIPSTATS_TEST_PYTHON"),
        "started": process_start_time(),
    }
    Path(config.path).write_text(json.dumps(noted))


@dg.op
def note_and_wait(config: Note) -> None:
    """Says it runs, then waits for a minute (a run to terminate or to kill)."""
    Path(config.path).write_text(json.dumps({"pid": os.getpid()}))
    time.sleep(60)


@dg.job(executor_def=dg.in_process_executor)
def quick() -> None:
    note_process()


@dg.job(executor_def=dg.in_process_executor)
def slow() -> None:
    note_and_wait()

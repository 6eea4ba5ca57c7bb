"""Measuring helpers shared by the benchmark sections: medians of repeated runs, and a
command's wall time with the peak memory of its largest process and of all its processes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

TIPSTATS = Path(sys.executable).with_name("tipstats")
KEY = "benchmark-key-0123456789abcdef"
# Runs the command given as arguments and prints two peaks of resident memory (KiB): of the
# largest process among it and its descendants (RUSAGE_CHILDREN covers every waited-for
# descendant; a fresh wrapper per measurement keeps earlier runs out of the maximum), and of
# the whole process tree at once, summed from /proc twice a second (the pipeline's process
# keeps its memory while dbt's runs beside it). A failed command's last output lines go to
# stderr: `tipstats run` prints its `FAILED step: <step>: <error>` lines on stdout.
_PEAK_WRAPPER = """
import os, resource, subprocess, sys, threading, time

def tree_kib(root):
    stats = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(pid)] = (int(fields[1]), int(fields[21]))  # parent, resident pages
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, (parent, _) in stats.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    pages = sum(stats[pid][1] for pid in tree if pid in stats)
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024

child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
together = [0]

def sample():
    while child.poll() is None:
        together[0] = max(together[0], tree_kib(child.pid))
        time.sleep(0.5)

threading.Thread(target=sample, daemon=True).start()
stdout, stderr = child.communicate()
sys.stderr.buffer.write(stderr[-4000:])
if child.returncode:
    sys.stderr.buffer.write(stdout[-4000:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, together[0])
sys.exit(child.returncode)
"""


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mib: float  # the largest single process
    together_mib: float  # the process tree at once, sampled twice a second


def median(values: Sequence[float]) -> float:
    return round(statistics.median(values), 3)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# What benchmarks/latency.py prints besides `total`: P3's phases and the sensor's cadence.
P3_PHASES = ("settle", "queue", "start", "run", "tick")


def run_env(**extra: str) -> dict[str, str]:
    """The environment of a measured `tipstats` (its key, telemetry off, dbt on PATH)."""
    return {
        **os.environ,
        "TIPSTATS_PSEUDONYM_KEY": KEY,
        "DAGSTER_DISABLE_TELEMETRY": "true",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PATH": f"{TIPSTATS.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **extra,
    }


def measure(command: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Wall seconds and peak memory (MiB: the largest process, the processes together) of
    one command."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_WRAPPER, *command],
        capture_output=True,
        text=True,
        env=env or run_env(),
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed:\n{done.stderr[-3000:]}")
    largest, together = (int(kib) / 1024 for kib in done.stdout.split()[-2:])
    return Measured(seconds, largest, together)


def tipstats_run(landing: Path, warehouse: Path) -> list[str]:
    return [str(TIPSTATS), "run", "--landing", str(landing), "--warehouse", str(warehouse)]


def step_seconds(dagster_home: Path) -> dict[str, float]:
    """Seconds per step of the latest run of the instance in `dagster_home` (a subprocess,
    so the harness never holds a Dagster instance of its own)."""
    script = (
        "import json, dagster as dg\n"
        "with dg.DagsterInstance.get() as i:\n"
        "    run = i.get_runs(limit=1)[0]\n"
        "    print(json.dumps({s.step_key: s.end_time - s.start_time\n"
        "        for s in i.get_run_step_stats(run.run_id) if s.end_time and s.start_time}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
        check=True,
    )
    steps: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return steps


CHECK_SUFFIXES = ("_rows_conserved", "_sent_recently")
STAGES = {
    "raw_": "read + pseudonymise",
    "validated_": "validate + map",
    "unified_": "publish unified",
    "tipstats_dbt": "dbt (marts)",
    "published_database": "publication + disclosure audit",
}


def by_stage(steps: dict[str, float]) -> dict[str, float]:
    """Step seconds summed per pipeline stage (every agency's step of a stage together)."""
    totals: dict[str, float] = {}
    for key, seconds in steps.items():
        stage = next((name for prefix, name in STAGES.items() if key.startswith(prefix)), key)
        if key.endswith(CHECK_SUFFIXES):
            stage = "asset checks"
        totals[stage] = totals.get(stage, 0.0) + seconds
    return totals

"""Runs launched in a local process that has already imported what a run needs.

Dagster's default launcher asks the code server to start each run in a new Python process,
which spends about 4 s importing Dagster, dbt, pandera and the solvers before its first
step. This launcher hands a run to a process that did those imports before the run was
queued (pipelines/ops/run_worker.py) and, once the run's process ends, starts the one for
the next run (not sooner: its imports would take a core from the run; the daemon's first
run starts cold). The run itself is `dagster api execute_run`, as Dagster's container
launchers start it, on this machine and in the launcher's process group, as the default
launcher's runs are. A waiting process ends with the launcher's process (its input closes).

Termination interrupts the run's process (SIGINT: Dagster cancels the run, dbt is stopped);
run monitoring asks whether the process lives.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from dagster import _check as check
from dagster._core.errors import DagsterLaunchFailedError
from dagster._core.launcher import (
    CheckRunHealthResult,
    LaunchRunContext,
    RunLauncher,
    WorkerStatus,
)
from dagster._core.storage.dagster_run import DagsterRun
from dagster._grpc.types import ExecuteRunArgs
from dagster._serdes import ConfigurableClass, ConfigurableClassData, serialize_value

from pipelines.settings import PROJECT_ROOT

PID_TAG = "tipstats/run_worker_pid"
WORKER = [sys.executable, "-m", "pipelines.ops.run_worker"]
# How a run's process is told from a later process given the same number: its command line.
RUN_COMMANDS = {WORKER[-1].encode(), b"execute_run"}


class WarmRunLauncher(RunLauncher, ConfigurableClass):
    """Launches each run in a process that finished its imports before the run was queued."""

    def __init__(self, inst_data: ConfigurableClassData | None = None) -> None:
        self._inst_data = inst_data
        self._ready: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._disposed = False
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]
    ) -> Self:
        return cls(inst_data=inst_data)

    def launch_run(self, context: LaunchRunContext) -> None:
        run = context.dagster_run
        origin = check.not_none(run.job_code_origin)
        args = ExecuteRunArgs(
            job_origin=origin,
            run_id=run.run_id,
            instance_ref=self._instance.get_ref(),
            set_exit_code_on_failure=True,
        )
        if origin.executable_path == sys.executable:
            with self._lock:
                ready, self._ready = self._ready, None
            worker = self._hand_over(ready, run, serialize_value(args))
        else:  # a code location with a Python of its own: started with it, as its server would
            command = [origin.executable_path, "-m", "dagster", "api", "execute_run"]
            worker = subprocess.Popen([*command, serialize_value(args)], cwd=PROJECT_ROOT)
            self._record(run, worker)
        threading.Thread(target=self._ready_after, args=[worker], daemon=True).start()

    def _hand_over(
        self, ready: subprocess.Popen[bytes] | None, run: DagsterRun, args: str
    ) -> subprocess.Popen[bytes]:
        """The ready process, or if there is none or it ended, a new one, given the run's
        arguments once the run names it (run monitoring may look before the run starts)."""
        for worker in (ready, None):
            worker = worker or _start_worker()
            self._record(run, worker)
            try:
                check.not_none(worker.stdin).write(args.encode() + b"\n")
                check.not_none(worker.stdin).close()
            except BrokenPipeError:
                continue
            return worker
        raise DagsterLaunchFailedError(  # type: ignore[no-untyped-call]
            "the run's process ended before its run: see the daemon's log for its error"
        )

    def _record(self, run: DagsterRun, worker: subprocess.Popen[bytes]) -> None:
        self._instance.add_run_tags(run.run_id, {PID_TAG: str(worker.pid)})

    def _ready_after(self, worker: subprocess.Popen[bytes]) -> None:
        """Once the run's process ends, one is made ready for the next run (not sooner: its
        imports would take a core from the run)."""
        worker.wait()
        with self._lock:
            if not self._disposed and (self._ready is None or self._ready.poll() is not None):
                self._ready = _start_worker()

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            return False
        pid = _pid_of(run)
        if pid is None or not _alive(pid):
            return False
        self._instance.report_run_canceling(run)
        os.kill(pid, signal.SIGINT)
        return True

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        pid = _pid_of(run)
        if pid is None:  # run elsewhere (`tipstats run`): anything but RUNNING would fail it
            return CheckRunHealthResult(WorkerStatus.RUNNING, "not launched here: not checked")
        if _alive(pid):
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"the run's process (pid {pid}) ended before the run"
        )

    def dispose(self) -> None:
        with self._lock:
            self._disposed = True
            if self._ready is not None:  # it holds nothing: stopped at once
                self._ready.kill()
                self._ready.wait()
            self._ready = None


def _start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(WORKER, cwd=PROJECT_ROOT, stdin=subprocess.PIPE)


def _pid_of(run: DagsterRun) -> int | None:
    pid = run.tags.get(PID_TAG)
    return int(pid) if pid and pid.isdigit() else None


def _alive(pid: int) -> bool:
    """Whether a run's process runs as `pid` (one that ended, or a later process given the
    same number, does not)."""
    proc = Path(f"/proc/{pid}")
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        command = (proc / "cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X") and bool(RUN_COMMANDS & set(command))

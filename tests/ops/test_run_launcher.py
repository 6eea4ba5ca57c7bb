"""The daemon's run launcher (pipelines/ops/run_launcher.py): runs start in a process made
ready before them, and stay stoppable and watched like Dagster's own."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster._core.launcher import WorkerStatus
from dagster._daemon.monitoring.run_monitoring import monitor_started_run

from pipelines.ops.run_launcher import PID_TAG, WORKER, WarmRunLauncher
from pipelines.settings import PROJECT_ROOT
from tests.ops import launcher_jobs

pytestmark = pytest.mark.slow
LAUNCHER = {"module": "pipelines.ops.run_launcher", "class": "WarmRunLauncher"}
GIVE_UP_SECONDS = 120


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    overrides = {"run_launcher": LAUNCHER, "telemetry": {"enabled": False}}
    with dg.instance_for_test(temp_dir=str(tmp_path), overrides=overrides) as instance:
        yield instance


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.time() + GIVE_UP_SECONDS
    while not condition():
        assert time.time() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def _launch(
    instance: dg.DagsterInstance, job: dg.JobDefinition, note: Path, python: str = sys.executable
) -> dg.DagsterRun:
    origin = dg.reconstructable(getattr(launcher_jobs, job.name)).get_python_origin()
    origin = origin._replace(
        repository_origin=origin.repository_origin._replace(executable_path=python)
    )
    run = instance.create_run_for_job(
        job,
        run_config={"ops": {job.nodes[0].name: {"config": {"path": str(note)}}}},
        job_code_origin=origin,
    )
    instance.launch_run(run.run_id, workspace=None)  # type: ignore[arg-type]
    return run


def _current(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dg.DagsterRun:
    current = instance.get_run_by_id(run.run_id)
    assert current is not None
    return current


def _finished(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dg.DagsterRun:
    _until(lambda: _current(instance, run).is_finished, f"run {run.run_id} to finish")
    return _current(instance, run)


def _ended(pid: int) -> bool:
    """Whether process `pid` ended (a zombie waits only for its parent to read its status)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _noted(note: Path) -> dict[str, Any]:
    _until(note.exists, f"{note.name} from the run's op")
    _until(lambda: bool(note.read_text()), f"{note.name} written")
    noted: dict[str, Any] = json.loads(note.read_text())
    return noted


def _workers_of(parent: int) -> list[int]:
    """The ready or running run processes whose parent is `parent`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != "Z" and WORKER[-1].encode() in command:
            found.append(int(stat.parent.name))
    return found


def _made_ready_after(run: dg.DagsterRun) -> int:
    """The process made ready once `run`'s process ended."""
    _until(lambda: _ended(int(run.tags[PID_TAG])), "the run's process to end")
    _until(lambda: bool(_workers_of(os.getpid())), "a process made ready for the next run")
    (ready,) = _workers_of(os.getpid())
    return ready


def test_the_project_instance_launches_runs_with_this_launcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dagster.yaml").write_text((PROJECT_ROOT / "dagster.yaml").read_text())
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_launcher, WarmRunLauncher)


def test_a_run_after_the_first_starts_in_a_process_made_ready_before_it(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    first = _finished(instance, _launch(instance, launcher_jobs.quick, tmp_path / "first.json"))
    assert first.status == dg.DagsterRunStatus.SUCCESS
    ready = _made_ready_after(first)

    second = _launch(instance, launcher_jobs.quick, tmp_path / "second.json")

    finished = _finished(instance, second)
    assert finished.status == dg.DagsterRunStatus.SUCCESS
    noted = _noted(tmp_path / "second.json")
    record = instance.get_run_record_by_id(second.run_id)
    assert record is not None
    assert noted["started"] < record.create_timestamp.timestamp()
    assert finished.tags[PID_TAG] == str(int(noted["pid"])) == str(ready)


def test_a_run_is_launched_when_the_ready_process_is_gone(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    first = _finished(instance, _launch(instance, launcher_jobs.quick, tmp_path / "first.json"))
    ready = _made_ready_after(first)
    os.kill(ready, signal.SIGKILL)
    _until(lambda: _ended(ready), "the ready process to end")

    run = _launch(instance, launcher_jobs.quick, tmp_path / "second.json")

    assert _finished(instance, run).status == dg.DagsterRunStatus.SUCCESS


def test_a_run_for_another_python_starts_with_that_python(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    other = tmp_path / "python"  # the same interpreter, telling its runs it started them
    other.write_text(f'#!/bin/sh\nTIPSTATS_TEST_PYTHON="$0" exec {sys.executable} "$@"\n')
    other.chmod(0o755)

    run = _launch(instance, launcher_jobs.quick, tmp_path / "note.json", python=str(other))

    assert _finished(instance, run).status == dg.DagsterRunStatus.SUCCESS
    assert _noted(tmp_path / "note.json")["started_by"] == str(other)


def test_a_terminated_run_is_canceled(instance: dg.DagsterInstance, tmp_path: Path) -> None:
    run = _launch(instance, launcher_jobs.slow, tmp_path / "slow.json")
    _noted(tmp_path / "slow.json")

    assert instance.run_launcher.terminate(run.run_id)

    assert _finished(instance, run).status == dg.DagsterRunStatus.CANCELED
    assert not instance.run_launcher.terminate(run.run_id)


def test_run_monitoring_sees_a_run_whose_process_died(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    run = _launch(instance, launcher_jobs.slow, tmp_path / "slow.json")
    pid = int(_noted(tmp_path / "slow.json")["pid"])
    started = _current(instance, run)
    assert instance.run_launcher.check_run_worker_health(started).status == WorkerStatus.RUNNING

    os.kill(pid, signal.SIGKILL)
    _until(lambda: pid not in _workers_of(os.getpid()), "the killed process to be reaped")

    health = instance.run_launcher.check_run_worker_health(started)
    assert health.status == WorkerStatus.FAILED
    assert str(pid) in (health.msg or "")


def test_run_monitoring_leaves_alone_a_run_it_did_not_launch(
    instance: dg.DagsterInstance,
) -> None:
    # as `tipstats run` leaves its run while it works: started, in another process
    elsewhere = instance.add_run(
        dg.DagsterRun(job_name="tipstats_daily", status=dg.DagsterRunStatus.STARTED)
    )
    record = instance.get_run_record_by_id(elsewhere.run_id)
    assert record is not None

    monitor_started_run(instance, None, record, logging.getLogger("test"))  # type: ignore[arg-type]

    assert _current(instance, elsewhere).status == dg.DagsterRunStatus.STARTED


def test_a_waiting_process_outlives_ctrl_c_and_ends_quietly_with_its_launcher() -> None:
    worker = subprocess.Popen(
        WORKER, cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(1)
    worker.send_signal(signal.SIGINT)
    assert worker.poll() is None

    _, errors = worker.communicate(input=b"", timeout=GIVE_UP_SECONDS)

    assert worker.returncode == 0
    assert errors == b""


def test_the_ready_process_ends_with_the_launchers_process(tmp_path: Path) -> None:
    script = f"""
import os, sys
from pathlib import Path
sys.path.insert(0, {str(PROJECT_ROOT)!r})
import dagster as dg
from tests.ops import launcher_jobs
from tests.ops.test_run_launcher import LAUNCHER, _finished, _launch, _made_ready_after
overrides = {{"run_launcher": LAUNCHER, "telemetry": {{"enabled": False}}}}
os.makedirs({str(tmp_path / "home")!r})
note = Path({str(tmp_path / "note.json")!r})
with dg.instance_for_test(temp_dir={str(tmp_path / "home")!r}, overrides=overrides) as instance:
    print(_made_ready_after(_finished(instance, _launch(instance, launcher_jobs.quick, note))))
    sys.stdout.flush()
    os._exit(0)  # as a killed daemon: no clean-up
"""
    launcher = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=GIVE_UP_SECONDS,
        check=True,
    )
    ready = int(launcher.stdout.split()[-1])

    _until(lambda: _ended(ready), "the ready process to end")

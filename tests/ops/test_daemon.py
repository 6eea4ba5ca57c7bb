"""The bare daemon (`dagster-daemon run -w workspace.yaml`): a file landing is published, and
then its annual report, with nobody acting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.sensors import FILE_TAG, REPORT_JOB, ingest_job_name
from pipelines.ops import publication
from pipelines.ops.run_launcher import PID_TAG
from pipelines.settings import PROJECT_ROOT
from tests.pipelines.runner import run_holding_back

pytestmark = pytest.mark.slow
CORRECTED = "anitp_2016_20170601.csv"
DAEMON = Path(sys.executable).with_name("dagster-daemon")
GIVE_UP_SECONDS = 600
FINISHED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE}


@contextmanager
def _daemon(log: Path) -> Iterator[None]:
    with log.open("w") as out:
        daemon = subprocess.Popen(
            [str(DAEMON), "run", "-w", "workspace.yaml"],
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    try:
        yield
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)


def _finished_report(instance: dg.DagsterInstance, log: Path) -> dg.DagsterRun:
    deadline = time.time() + GIVE_UP_SECONDS
    while time.time() < deadline:
        runs = instance.get_runs(filters=dg.RunsFilter(job_name=REPORT_JOB.name))
        if runs and runs[0].status in FINISHED:
            return runs[0]
        failed = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))
        assert not failed, f"{failed[0].job_name} failed; daemon log: {log}"
        time.sleep(1)
    raise AssertionError(f"no report after {GIVE_UP_SECONDS} s; daemon log:\n{log.read_text()}")


def _extracts(published: Path) -> set[str]:
    with duckdb.connect(str(publication.as_of(published, None).path), read_only=True) as con:
        rows = con.execute("SELECT source_file FROM marts.rpt_extracts_used").fetchall()
    return {name for (name,) in rows}


def test_the_daemon_publishes_a_landing_file_then_its_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = run_holding_back(tmp_path, "anitp", CORRECTED)
    published = tmp_path / "published"
    assert CORRECTED not in _extracts(published)
    for name, value in held.environment().items():
        monkeypatch.setenv(name, value)

    log = tmp_path / "daemon.log"
    with _daemon(log), dg.DagsterInstance.get() as instance:
        held.path.write_bytes(held.content)
        report = _finished_report(instance, log)
        ingest = instance.get_runs(filters=dg.RunsFilter(tags={FILE_TAG: f"anitp/{CORRECTED}"}))

    assert [(r.job_name, r.status) for r in ingest] == [
        (ingest_job_name("anitp"), dg.DagsterRunStatus.SUCCESS)
    ]
    assert report.status == dg.DagsterRunStatus.SUCCESS
    assert all(PID_TAG in run.tags for run in [*ingest, report])  # the project's launcher
    assert CORRECTED in _extracts(published)
    assert (published / "report" / "tipstats_report_2016.html").stat().st_mtime > (
        publication.as_of(published, None).built_at.timestamp()
    )

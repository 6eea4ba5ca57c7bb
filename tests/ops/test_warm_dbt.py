"""A run's warm dbt runs the command `tipstats-dbt` hands it as dbt would, and dies with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from pipelines import settings
from pipelines.defs.dbt.assets import DBT_EXECUTABLE, TipstatsDbtCli
from pipelines.ops import warm_dbt

TIPSTATS_DBT = Path(sys.executable).with_name("tipstats-dbt")


@pytest.fixture
def warm(monkeypatch: pytest.MonkeyPatch) -> Iterator[warm_dbt.WarmDbt]:
    monkeypatch.delenv(warm_dbt.SOCKET_ENV, raising=False)  # restored after the test
    started = warm_dbt.start()
    yield started
    started.stop()


def cold_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != warm_dbt.SOCKET_ENV}


def dbt(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TIPSTATS_DBT), *args], capture_output=True, text=True, env=env, timeout=120
    )


def ends_within(process: subprocess.Popen[bytes], seconds: float) -> bool:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def test_the_command_runs_in_the_warm_process(warm: warm_dbt.WarmDbt) -> None:
    done = dbt("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: dbt ")
    assert ends_within(warm.process, 30)  # it served the command (unused, it would wait)
    assert warm.process.returncode == 0
    assert not warm.socket_path.exists()


def test_exit_status_and_streams_are_those_of_dbt(warm: warm_dbt.WarmDbt) -> None:
    handed = dbt("no-such-command")
    assert ends_within(warm.process, 30)
    own = dbt("no-such-command", env=cold_env())
    assert handed.returncode == own.returncode == 2
    assert handed.stderr == own.stderr
    assert "No such command 'no-such-command'" in handed.stderr


def test_without_a_warm_process_dbt_starts_itself(tmp_path: Path) -> None:
    done = dbt("--help", env={**cold_env(), warm_dbt.SOCKET_ENV: str(tmp_path / "gone")})
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: dbt ")


def waiting_dbt(warm: warm_dbt.WarmDbt, tmp_path: Path) -> subprocess.Popen[bytes]:
    """`dbt init` handed to the warm process, waiting for a project name on its input."""
    command = subprocess.Popen(
        [str(TIPSTATS_DBT), "init"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while warm.socket_path.exists():  # taken when the warm process accepts the command
        assert time.monotonic() < deadline, "the warm process never took the command"
        time.sleep(0.05)
    time.sleep(0.5)  # dbt is now asking
    assert warm.process.poll() is None and command.poll() is None
    return command


def test_the_warm_process_dies_with_the_command_that_handed_it(
    warm: warm_dbt.WarmDbt, tmp_path: Path
) -> None:
    command = waiting_dbt(warm, tmp_path)
    command.kill()
    command.wait()
    assert ends_within(warm.process, 10)


def test_an_interrupt_reaches_dbt(warm: warm_dbt.WarmDbt, tmp_path: Path) -> None:
    command = waiting_dbt(warm, tmp_path)
    command.send_signal(signal.SIGINT)  # as dagster-dbt stops dbt when its run is cancelled
    assert ends_within(warm.process, 30)
    assert ends_within(command, 30)
    # dbt stopped itself (not killed for want of its `tipstats-dbt`), and said how
    assert warm.process.returncode > 0
    assert command.returncode == warm.process.returncode


def test_a_run_over_a_small_landing_zone_gets_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "anitp").mkdir()
    (tmp_path / "anitp" / "anitp_2024_20250115.csv").write_bytes(b"x" * 1000)
    monkeypatch.setenv(settings.LANDING_ENV, str(tmp_path))
    monkeypatch.delenv(warm_dbt.SOCKET_ENV, raising=False)
    resource = TipstatsDbtCli(
        project_dir=str(settings.DBT_PROJECT_DIR), dbt_executable=str(DBT_EXECUTABLE)
    )
    resource.setup_for_execution(dg.build_init_resource_context())
    socket_path = Path(os.environ[warm_dbt.SOCKET_ENV])
    assert socket_path.exists()  # listening
    resource.teardown_after_execution(dg.build_init_resource_context())
    assert not socket_path.parent.exists()  # unused: stopped, its folder gone
    assert warm_dbt.SOCKET_ENV not in os.environ  # and no later command looks for it

    monkeypatch.setattr(settings, "WARM_DBT_BELOW_LANDING_BYTES", 1000)
    assert not settings.warm_dbt_wanted(tmp_path)
    TipstatsDbtCli(
        project_dir=str(settings.DBT_PROJECT_DIR), dbt_executable=str(DBT_EXECUTABLE)
    ).setup_for_execution(dg.build_init_resource_context())
    assert warm_dbt.SOCKET_ENV not in os.environ

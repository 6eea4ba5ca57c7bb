"""How soon the daemon acts on a landing file: the sensors' cadence and the run queue's."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._daemon.sensor import MIN_INTERVAL_LOOP_TIME

from pipelines.defs.sensors import landing_files, report_after_ingest
from pipelines.settings import PROJECT_ROOT

# How far into the daemon's loop a sensor's tick may start (the loop evaluates the other
# sensors first); the next loop finds that much less time elapsed since the tick.
TICK_START_LAG = 1


@pytest.mark.parametrize("sensor", [landing_files, report_after_ingest], ids=lambda s: s.name)
def test_the_sensors_tick_on_every_loop_of_the_daemon(sensor: dg.SensorDefinition) -> None:
    # An interval of the loop's length skips every other loop: a tick every 10 s, not 5.
    interval = sensor.minimum_interval_seconds or 0
    assert interval + TICK_START_LAG <= MIN_INTERVAL_LOOP_TIME


def test_a_requested_run_is_launched_before_the_next_tick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        coordinator = instance.run_coordinator
        assert isinstance(coordinator, QueuedRunCoordinator)
        assert coordinator.dequeue_interval_seconds < MIN_INTERVAL_LOOP_TIME
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1

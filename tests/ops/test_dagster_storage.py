"""The instance storage dagster.yaml selects: Dagster's SQLite files, engines kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines.ops.dagster_storage import KEPT_ENGINES, KeptEngineEventLogStorage
from pipelines.settings import PROJECT_ROOT


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "dagster_home"
    folder.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", folder / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(folder))
    return folder


def _materialize(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([counted], instance=instance)
    assert result.success
    return result.run_id


def test_the_project_instance_writes_dagsters_own_files(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, KeptEngineEventLogStorage)
        run_id = _materialize(instance)
        ours = [e.dagster_event_type for e in instance.all_logs(run_id)]

    assert (home / "history" / "runs" / f"{run_id}.db").exists()
    assert (home / "history" / "runs.db").exists()
    # Dagster's stock storage, pointed at the same home, reads every event and the asset index.
    config = yaml.safe_load((home / "dagster.yaml").read_text("utf-8"))
    del config["storage"]
    (home / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with dg.DagsterInstance.get() as stock:
        assert type(stock.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert [e.dagster_event_type for e in stock.all_logs(run_id)] == ours
        latest = stock.get_latest_materialization_event(dg.AssetKey("counted"))
    assert latest is not None and latest.run_id == run_id
    assert latest.asset_materialization is not None
    assert latest.asset_materialization.metadata["rows"].value == 3


def test_engines_are_bounded_and_evicted_runs_still_written(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, KeptEngineEventLogStorage)
        runs = [_materialize(instance) for _ in range(KEPT_ENGINES + 2)]
        assert len(storage._engines) <= KEPT_ENGINES
        first = runs[0]
        before = len(instance.all_logs(first))  # its engine was dropped: made again
        instance.report_engine_event("a late note", instance.get_run_by_id(first))
        assert len(instance.all_logs(first)) == before + 1


def test_commits_are_not_flushed_and_the_journal_is_wal(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        run_id = _materialize(instance)
        storage = instance.event_log_storage
        assert isinstance(storage, KeptEngineEventLogStorage)
        with storage.run_connection(run_id) as conn:
            synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    assert synchronous == 1  # NORMAL (FULL is 2)
    with sqlite3.connect(home / "history" / "runs" / f"{run_id}.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_wiped_run_written_again_lands_in_a_new_file(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        run_id = _materialize(instance)
        run = instance.get_run_by_id(run_id)
        assert run is not None
        instance.event_log_storage.wipe()
        instance.report_engine_event("after the wipe", run)
    with sqlite3.connect(home / "history" / "runs" / f"{run_id}.db") as raw:
        assert raw.execute("SELECT count(*) FROM event_logs").fetchone()[0] == 1

"""A corrected extract lands: the sensor runs that agency alone, the publication changes,
an analyst reading throughout is never blocked, and `--as-of` gives the old tables back."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.ops import publication
from tests.conftest import TEST_KEY
from tests.pipelines.runner import run_holding_back

pytestmark = pytest.mark.slow
CORRECTED = "anitp_2016_20170601.csv"  # the SPEC's revised ANITP extract of 2016
TIPSTATS = Path(sys.executable).with_name("tipstats")


def _tables(root: Path, out: Path, *extra: str) -> None:
    env = {
        **os.environ,
        "TIPSTATS_PSEUDONYM_KEY": TEST_KEY,
        "TIPSTATS_WAREHOUSE": str(root / "warehouse.duckdb"),
    }
    done = subprocess.run(
        [str(TIPSTATS), "tables", "--from", "2016", "--to", "2018", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _contents(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _extracts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, ...]]:
    return con.execute(
        "SELECT source_file FROM marts.rpt_extracts_used WHERE is_latest ORDER BY 1"
    ).fetchall()


def _report_after(
    definitions: dg.Definitions, instance: dg.DagsterInstance, ingest: dg.ExecuteInProcessResult
) -> set[str]:
    """What the daemon does once the ingest run succeeded: the report sensor's request, run;
    the assets it materialized."""
    sensor = next(s for s in definitions.sensors or [] if s.name == "report_after_ingest")
    success = next(e for e in ingest.all_events if e.event_type == dg.DagsterEventType.RUN_SUCCESS)
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=success,
        dagster_instance=instance,
        dagster_run=ingest.dagster_run,
    )
    request = sensor(context)
    assert isinstance(request, dg.RunRequest)
    report = definitions.resolve_job_def(sensor.job_name).execute_in_process(instance=instance)
    assert report.success
    return {e.asset_key.to_user_string() for e in report.get_asset_materialization_events()}


def test_a_corrected_extract_reruns_its_agency_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = run_holding_back(tmp_path, "anitp", CORRECTED)
    held_back = held.content
    published = tmp_path / "published"
    before = publication.as_of(published, None)
    _tables(tmp_path, tmp_path / "tables-before")

    corrected = held.path
    corrected.write_bytes(held_back)
    settled = time.time() - 120  # the sensor leaves files modified in the last seconds
    os.utime(corrected, (settled, settled))
    for name, value in held.environment().items():
        monkeypatch.setenv(name, value)
    from pipelines.definitions import defs

    definitions = defs()
    analyst = duckdb.connect(str(before.path), read_only=True)
    try:
        old_view = _extracts(analyst)
        with dg.DagsterInstance.from_config(str(tmp_path / "dagster_home")) as instance:
            sensor = next(s for s in definitions.sensors or [] if s.name == "landing_files")
            tick = sensor(dg.build_sensor_context(instance=instance))
            assert [(r.job_name, r.run_key) for r in tick.run_requests] == [
                ("ingest_anitp", hashlib.sha256(held_back).hexdigest())
            ]
            job = definitions.resolve_job_def("ingest_anitp")
            result = job.execute_in_process(instance=instance, tags=tick.run_requests[0].tags)
            assert result.success
            materialized = {
                e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
            }
            assert "raw_anitp" in materialized
            assert {"published_database", "standard_tables"} <= materialized
            assert not {f"raw_{a}" for a in ("politie", "diicot", "instante", "ong")} & materialized
            # What users wait for first; the Parquet copy for other engines after it.
            steps = [e.step_key for e in result.all_events if e.is_step_start]
            assert steps[-3:] == ["published_database", "standard_tables", "parquet_layers"]
            # The report follows in a run of its own, requested once the agency's run succeeded.
            assert "annual_report" not in materialized
            report = tmp_path / "published" / "report" / "tipstats_report_2016.html"
            written_before = report.stat().st_mtime_ns
            assert _report_after(definitions, instance, result) == {"annual_report"}
            assert report.stat().st_mtime_ns > written_before
        assert _extracts(analyst) == old_view  # the held connection still reads one publication
    finally:
        analyst.close()

    after = publication.as_of(published, None)
    assert after.built_at > before.built_at
    with duckdb.connect(str(after.path), read_only=True) as con:
        assert (CORRECTED,) in _extracts(con)
    assert (CORRECTED,) not in old_view

    _tables(tmp_path, tmp_path / "tables-now")
    assert _contents(tmp_path / "tables-now") != _contents(tmp_path / "tables-before")
    _tables(
        tmp_path,
        tmp_path / "tables-as-of",
        "--as-of",
        before.built_at.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    assert _contents(tmp_path / "tables-as-of") == _contents(tmp_path / "tables-before")

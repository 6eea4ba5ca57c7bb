"""`tipstats status` answers a steward's first questions without opening the warehouse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from pipelines.ops.lock import writer_lock
from pipelines.ops.status import LastRun, status

BUILT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def _published(folder: Path, police_arrived_days_ago: int) -> None:
    folder.mkdir(parents=True)
    arrived = datetime.now(UTC) - timedelta(days=police_arrived_days_ago)
    with duckdb.connect(str(folder / "tipstats.duckdb")) as con:
        con.execute("CREATE SCHEMA ops; CREATE SCHEMA marts")
        con.execute("CREATE TABLE ops.publication AS SELECT ?::TIMESTAMPTZ AS built_at", [BUILT])
        con.execute(
            "CREATE TABLE ops.file_manifest AS SELECT * FROM (VALUES "
            "('politie', 'politie_2024_20250110.csv', '2024', DATE '2025-01-10', ?::TIMESTAMPTZ),"
            "('anitp', 'anitp_2024_20250115.csv', '2024', DATE '2025-01-15', now()))"
            " AS t(source_agency, source_file, period, extract_date, loaded_at)",
            [arrived],
        )
        con.execute(
            "CREATE TABLE marts.rpt_extracts_used AS SELECT source_agency, period, source_file, "
            "true AS is_latest FROM ops.file_manifest"
        )


def test_status_names_waiting_files_stale_agencies_and_the_publication(tmp_path: Path) -> None:
    _published(tmp_path / "published", police_arrived_days_ago=500)
    landing = tmp_path / "landing"
    (landing / "politie").mkdir(parents=True)
    (landing / "politie" / "politie_2024_20250110.csv").write_text("read already")
    (landing / "politie" / "politie_2025_20260110.csv").write_text("new")
    last = LastRun("abcdef0123456789", "FAILURE", BUILT)

    text = status(tmp_path / "w.duckdb", tmp_path / "published", landing, last, 400).render()

    assert "last run abcdef01 started 2026-12-01 06:00:00 UTC: FAILURE" in text
    assert "published database built 2026-12-01 06:00:00 UTC" in text
    assert "waiting: politie/politie_2025_20260110.csv" in text
    assert "waiting: politie/politie_2024_20250110.csv" not in text
    lines = {line.split()[0]: line for line in text.splitlines() if line[:1].isalpha()}
    assert "STALE" in lines["politie"]
    assert "STALE" not in lines["anitp"]
    assert "STALE" in lines["ong"]  # nothing ever arrived


def test_status_says_when_a_run_is_writing_and_nothing_is_published(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with writer_lock(warehouse):
        text = status(warehouse, tmp_path / "published", tmp_path / "landing", None, 400).render()
    assert text.splitlines()[:2] == ["a run is writing the warehouse now", "nothing published yet"]

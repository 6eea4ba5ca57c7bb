"""The published database is replaced atomically; readers keep the one they opened."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.ops import publication


def _warehouse(path: Path, value: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute("CREATE OR REPLACE TABLE marts.figure AS SELECT ? AS victims", [value])
    return path


def _victims(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("SELECT victims FROM marts.figure").fetchall()[0][0]


def test_reader_keeps_its_publication_while_a_new_one_replaces_it(tmp_path: Path) -> None:
    published = tmp_path / "published"
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 50)
    first = publication.publish(warehouse, published, "run-1", "state-1")
    reader = duckdb.connect(str(first.path), read_only=True)
    try:
        _warehouse(warehouse, 80)
        publication.publish(warehouse, published, "run-2", "state-2")
        assert reader.execute("SELECT victims FROM marts.figure").fetchall() == [(50,)]
    finally:
        reader.close()
    assert _victims(publication.published_path(published)) == 80
    assert not list(published.glob(".*tmp"))


def test_publication_is_stamped_and_kept_in_history(tmp_path: Path) -> None:
    published = tmp_path / "published"
    done = publication.publish(_warehouse(tmp_path / "w.duckdb", 7), published, "run-1", "s")
    assert publication.built_time(done.path) == done.built_at
    kept = publication.history(published)
    assert [p.built_at for p in kept] == [done.built_at]
    assert _victims(kept[0].path) == 7


def test_as_of_picks_the_last_publication_on_or_before_the_day(tmp_path: Path) -> None:
    published = tmp_path / "published"
    done = publication.publish(_warehouse(tmp_path / "w.duckdb", 7), published, "run-1", "s")
    day = done.built_at.date()
    assert publication.as_of(published, day).path == publication.history(published)[0].path
    with pytest.raises(publication.NoPublicationError, match="on or before"):
        publication.as_of(published, day - timedelta(days=1))


def test_nothing_published_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(publication.NoPublicationError, match="run `tipstats run` first"):
        publication.as_of(tmp_path / "published", None)
    with pytest.raises(publication.NoPublicationError):
        publication.as_of(tmp_path / "published", date(2024, 1, 1))


def test_same_state_publishes_nothing_new(tmp_path: Path) -> None:
    published = tmp_path / "published"
    warehouse = _warehouse(tmp_path / "w.duckdb", 7)
    first = publication.publish(warehouse, published, "run-1", "same")
    _warehouse(warehouse, 9)
    again = publication.publish(warehouse, published, "run-2", "same")
    assert not again.changed
    assert again.built_at == first.built_at
    assert _victims(again.path) == 7
    assert len(publication.history(published)) == 1


def test_a_failed_audit_keeps_the_previous_publication(tmp_path: Path) -> None:
    published = tmp_path / "published"
    warehouse = _warehouse(tmp_path / "w.duckdb", 7)
    publication.publish(warehouse, published, "run-1", "state-1")
    _warehouse(warehouse, 3)

    def refuse(candidate: Path) -> None:
        assert _victims(candidate) == 3  # the audit sees the candidate, not the old one
        raise RuntimeError("release blocked")

    with pytest.raises(RuntimeError, match="release blocked"):
        publication.publish(warehouse, published, "run-2", "state-2", audit=refuse)
    assert _victims(publication.published_path(published)) == 7
    assert len(publication.history(published)) == 1
    assert sorted(p.name for p in published.iterdir()) == ["history", "tipstats.duckdb"]


def test_state_follows_the_files_loaded_and_the_code(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA ops")
        con.execute(
            "CREATE TABLE ops.file_manifest AS SELECT 'a.csv' AS source_file, "
            "'h1' AS file_id, 'loaded' AS status"
        )
    code = tmp_path / "model.sql"
    code.write_text("select 1")
    before = publication.state_of(warehouse, [code])
    assert publication.state_of(warehouse, [code]) == before
    code.write_text("select 2")
    new_code = publication.state_of(warehouse, [code])
    assert new_code != before
    with duckdb.connect(str(warehouse)) as con:
        con.execute("INSERT INTO ops.file_manifest VALUES ('b.csv', 'h2', 'loaded')")
    assert publication.state_of(warehouse, [code]) != new_code


def test_state_follows_who_is_who(tmp_path: Path) -> None:
    """A reviewer's decision moves one record to another person: a new state, whatever the
    order the links are stored in."""
    warehouse = tmp_path / "w.duckdb"
    links = [("r1", "p1"), ("r2", "p1"), ("r3", "p3")]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA ops")
        con.execute("CREATE SCHEMA unified")
        con.execute("CREATE TABLE ops.file_manifest (source_file TEXT, file_id TEXT, status TEXT)")
        con.execute("CREATE TABLE unified.person_link (record_id TEXT, person_id TEXT)")
        con.executemany("INSERT INTO unified.person_link VALUES (?, ?)", links)
    before = publication.state_of(warehouse, [])
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM unified.person_link")
        con.executemany("INSERT INTO unified.person_link VALUES (?, ?)", links[::-1])
    assert publication.state_of(warehouse, []) == before
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE unified.person_link SET person_id = 'p3' WHERE record_id = 'r2'")
    assert publication.state_of(warehouse, []) != before


def test_a_scratch_copy_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    published = tmp_path / "published"
    warehouse = _warehouse(tmp_path / "w.duckdb", 7)
    publication.publish(warehouse, published, "run-1", "state-1")
    # what a run killed by SIGKILL during the copy or the audit leaves behind
    (published / ".tipstats.duckdb.killed-run.tmp").write_bytes(b"half a database")
    publication.publish(_warehouse(warehouse, 9), published, "run-2", "state-2")
    assert sorted(p.name for p in published.iterdir()) == ["history", "tipstats.duckdb"]
    assert _victims(publication.published_path(published)) == 9


def test_a_publication_from_a_release_without_state_is_replaced(tmp_path: Path) -> None:
    """Databases published before the state was stamped have ops.publication without it."""
    published = tmp_path / "published"
    published.mkdir()
    with duckdb.connect(str(publication.published_path(published))) as con:
        con.execute("CREATE SCHEMA ops")
        con.execute("CREATE TABLE ops.publication (built_at TIMESTAMPTZ, run_id VARCHAR)")
    done = publication.publish(_warehouse(tmp_path / "w.duckdb", 7), published, "run-1", "s")
    assert done.changed
    assert _victims(publication.published_path(published)) == 7

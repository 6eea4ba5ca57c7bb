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
    first = publication.publish(warehouse, published, "run-1")
    reader = duckdb.connect(str(first.path), read_only=True)
    try:
        _warehouse(warehouse, 80)
        publication.publish(warehouse, published, "run-2")
        assert reader.execute("SELECT victims FROM marts.figure").fetchall() == [(50,)]
    finally:
        reader.close()
    assert _victims(publication.published_path(published)) == 80
    assert not list(published.glob(".*tmp"))


def test_publication_is_stamped_and_kept_in_history(tmp_path: Path) -> None:
    published = tmp_path / "published"
    done = publication.publish(_warehouse(tmp_path / "w.duckdb", 7), published, "run-1")
    assert publication.built_at(done.path) == done.built_at
    kept = publication.history(published)
    assert [p.built_at for p in kept] == [done.built_at]
    assert _victims(kept[0].path) == 7


def test_as_of_picks_the_last_publication_on_or_before_the_day(tmp_path: Path) -> None:
    published = tmp_path / "published"
    done = publication.publish(_warehouse(tmp_path / "w.duckdb", 7), published, "run-1")
    day = done.built_at.date()
    assert publication.as_of(published, day).path == publication.history(published)[0].path
    with pytest.raises(publication.NoPublicationError, match="on or before"):
        publication.as_of(published, day - timedelta(days=1))


def test_nothing_published_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(publication.NoPublicationError, match="run `tipstats run` first"):
        publication.as_of(tmp_path / "published", None)
    with pytest.raises(publication.NoPublicationError):
        publication.as_of(tmp_path / "published", date(2024, 1, 1))

"""The ingest stages work on two files at once, and check mapped files against the unified
models a batch at a time: the warehouse is the same as one file at a time, and a file whose
mapping fails is rejected alone."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest import stages
from pipelines.ingest import warehouse as wh
from pipelines.settings import SAMPLE_LANDING
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile
from sources.registry import SOURCES

TABLES = ("ops.file_manifest", "ops.quarantine")


def _ingest(landing: Path, warehouse: Path, key: bytes) -> dict[str, pl.DataFrame]:
    """Every agency read and validated; each table's rows, without run times, sorted."""
    with wh.connect(warehouse) as con:
        wh.ensure_tables(con)
        for agency in SOURCES.values():
            stages.read_new_files(con, landing, agency, key, "run")
            stages.validate_pending(con, landing, agency, "run")
        names = [*TABLES, *(f"validated.{t}" for t in stages.STAGE_TABLES)]
        names += [f"raw.{t}" for t in _raw_tables(con)]
        return {name: _rows(con, name) for name in names}


def _raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    found = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'"
    ).fetchall()
    return sorted(name for (name,) in found)


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    frame = wh.read_frame(con, f"SELECT * FROM {table}").drop("loaded_at", strict=False)
    return frame.sort(frame.columns, nulls_last=True)


def _assert_same(expected: dict[str, pl.DataFrame], found: dict[str, pl.DataFrame]) -> None:
    """The same tables with the same rows (more than the sample's thousand in all)."""
    assert expected.keys() == found.keys()
    assert sum(frame.height for frame in expected.values()) > 1_000
    for name, frame in expected.items():
        assert found[name].equals(frame), name


@pytest.mark.slow
def test_two_files_at_a_time_give_the_one_at_a_time_warehouse(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stages, "READ_AHEAD", 1)
    alone = _ingest(SAMPLE_LANDING, tmp_path / "alone.duckdb", key)
    monkeypatch.setattr(stages, "READ_AHEAD", 2)
    together = _ingest(SAMPLE_LANDING, tmp_path / "together.duckdb", key)
    _assert_same(alone, together)


@pytest.mark.slow
def test_files_checked_in_batches_give_the_file_at_a_time_warehouse(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    anitp = SOURCES["anitp"]

    def to_unified(file: LandingFile, frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
        """A person of each file, not the same row in every file, breaks the unified contract
        (a sex outside its codelist)."""
        mapped = anitp.to_unified(file, frames)
        nth = pl.col("source_row").rank("ordinal") == 1 + int(file.period[:4]) % 4
        sex = pl.when(nth).then(pl.lit("Q")).otherwise(pl.col("sex")).alias("sex")
        return {**mapped, "person_record": mapped["person_record"].with_columns(sex)}

    monkeypatch.setitem(SOURCES, "anitp", dataclasses.replace(anitp, to_unified=to_unified))
    batch_rows = stages.CHECK_TOGETHER_ROWS
    monkeypatch.setattr(stages, "CHECK_TOGETHER_ROWS", 1)  # every file alone
    alone = _ingest(SAMPLE_LANDING, tmp_path / "alone.duckdb", key)
    monkeypatch.setattr(stages, "CHECK_TOGETHER_ROWS", batch_rows)
    batched = _ingest(SAMPLE_LANDING, tmp_path / "batched.duckdb", key)
    unified_stage = alone["ops.quarantine"].filter(pl.col("stage") == "unified")
    assert unified_stage["source_file"].n_unique() >= 10  # every ANITP file
    _assert_same(alone, batched)


def test_a_file_whose_mapping_fails_is_rejected_alone(tmp_path: Path, key: bytes) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_LANDING / "anitp", landing / "anitp")
    broken = sorted(p.name for p in (landing / "anitp").iterdir())[1]
    anitp = SOURCES["anitp"]

    def to_unified(file: LandingFile, frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
        if file.file_name == broken:
            raise RuntimeError("a mapping bug")
        return anitp.to_unified(file, frames)

    faulty = dataclasses.replace(anitp, to_unified=to_unified)
    with wh.connect(tmp_path / "w.duckdb") as con:
        wh.ensure_tables(con)
        stages.read_new_files(con, landing, faulty, key, "run")
        outcomes = stages.validate_pending(con, landing, faulty, "run")
        statuses = dict(con.execute("SELECT source_file, status FROM ops.file_manifest").fetchall())
    assert [o.status for o in outcomes].count("rejected") == 1
    rejected = next(o for o in outcomes if o.status == "rejected")
    assert rejected.source_file == broken
    assert rejected.reason == "could not be validated: unexpected RuntimeError"
    assert statuses.pop(broken) == "rejected"
    assert "rejected" not in statuses.values()  # the sample also holds a duplicate file
    assert list(statuses.values()).count("validated") >= 10


class _CountingCursors:
    """A connection whose cursors are counted while open (everything else passes through)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.open = 0
        self.most_open = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)

    def cursor(self) -> _CountedCursor:
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        return _CountedCursor(self._con.cursor(), self)


class _CountedCursor:
    def __init__(self, cursor: duckdb.DuckDBPyConnection, owner: _CountingCursors) -> None:
        self._cursor = cursor
        self._owner = owner

    def __getattr__(self, name: str) -> object:
        return getattr(self._cursor, name)

    def close(self) -> None:
        self._owner.open -= 1
        self._cursor.close()


def test_validation_holds_a_few_cursors_however_many_files_wait(tmp_path: Path, key: bytes) -> None:
    anitp = SOURCES["anitp"]
    with wh.connect(tmp_path / "w.duckdb") as con:
        wh.ensure_tables(con)
        stages.read_new_files(con, SAMPLE_LANDING, anitp, key, "run")
        counting = _CountingCursors(con)
        outcomes = stages.validate_pending(counting, SAMPLE_LANDING, anitp, "run")  # type: ignore[arg-type]
    assert len(outcomes) > stages.READ_AHEAD + 1
    assert counting.open == 0
    assert counting.most_open <= stages.READ_AHEAD + 1


class _CountingCommits:
    """A connection whose commits are counted (everything else passes through)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.commits = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)

    def execute(self, sql: str, *parameters: object) -> duckdb.DuckDBPyConnection:
        self.commits += sql.strip().upper() == "COMMIT"
        return self._con.execute(sql, *parameters)


def _anitp_ingested(warehouse: Path, key: bytes) -> tuple[int, dict[str, pl.DataFrame]]:
    """ANITP's files read and validated: the commits it took and the tables it wrote."""
    anitp = SOURCES["anitp"]
    with wh.connect(warehouse) as con:
        wh.ensure_tables(con)
        counting = _CountingCommits(con)
        stages.read_new_files(counting, SAMPLE_LANDING, anitp, key, "run")  # type: ignore[arg-type]
        stages.validate_pending(counting, SAMPLE_LANDING, anitp, "run")  # type: ignore[arg-type]
        names = [*TABLES, *(f"validated.{t}" for t in stages.STAGE_TABLES)]
        names += [f"raw.{t}" for t in _raw_tables(con)]
        return counting.commits, {name: _rows(con, name) for name in names}


def test_a_stage_commits_between_files_once_it_holds_many_rows_with_the_same_result(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = len(list((SAMPLE_LANDING / "anitp").iterdir()))
    one_per_stage, whole = _anitp_ingested(tmp_path / "whole.duckdb", key)
    monkeypatch.setattr(stages, "COMMIT_EVERY_ROWS", 1)
    # Stored and validated a file at a time, so that there is a commit between files.
    monkeypatch.setattr(stages, "STORE_TOGETHER_ROWS", 1)
    monkeypatch.setattr(stages, "CHECK_TOGETHER_ROWS", 1)
    one_per_file, split = _anitp_ingested(tmp_path / "split.duckdb", key)
    assert one_per_stage == 2  # the sample's files are far below the budget
    assert one_per_file > files  # each stage committed after (nearly) every file
    assert whole.keys() == split.keys()
    for name, frame in whole.items():
        assert split[name].equals(frame), name


def _with_unsplittable_rows(landing: Path) -> tuple[str, str]:
    """The sample, one row of the second police file and of the second court file broken so
    that it cannot be split into columns; the two files' names."""
    shutil.copytree(SAMPLE_LANDING, landing)
    police = sorted((landing / "politie").iterdir())[1]
    content = police.read_bytes()
    newline = b"\r\n" if b"\r\n" in content else b"\n"
    lines = content.split(newline)
    lines[2] += b";an extra field"
    police.write_bytes(newline.join(lines))
    court = sorted((landing / "instante").iterdir())[1]
    court.write_text(court.read_text(encoding="utf-8") + '{"numar_dosar": \n', encoding="utf-8")
    return police.name, court.name


def _read_tables(landing: Path, warehouse: Path, key: bytes) -> dict[str, pl.DataFrame]:
    with wh.connect(warehouse) as con:
        wh.ensure_tables(con)
        for agency in SOURCES.values():
            stages.read_new_files(con, landing, agency, key, "run")
        names = [*TABLES, *(f"raw.{t}" for t in _raw_tables(con))]
        return {name: _rows(con, name) for name in names}


def test_files_stored_together_give_the_file_at_a_time_warehouse(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = _with_unsplittable_rows(tmp_path / "landing")
    together = _read_tables(tmp_path / "landing", tmp_path / "together.duckdb", key)
    monkeypatch.setattr(stages, "STORE_TOGETHER_ROWS", 1)
    alone = _read_tables(tmp_path / "landing", tmp_path / "alone.duckdb", key)
    _assert_same(alone, together)
    manifest = together["ops.file_manifest"]
    quarantined = dict(zip(manifest["source_file"], manifest["rows_quarantined"], strict=True))
    assert {name for name, rows in quarantined.items() if rows} == set(broken)
    assert all(quarantined[name] == 1 for name in broken)
    read_stage = together["ops.quarantine"].filter(pl.col("stage") == "read")
    assert sorted(read_stage["source_file"]) == sorted(broken)


def _delivery(name: str, rows: dict[str, list[object]]) -> Delivery:
    file = LandingFile("anitp", Path(name), name[6:10], date(2021, 1, 15), "0" * 64, 1)
    return Delivery(file, [DeliveredTable("victims", None, pl.DataFrame(rows))])


def test_a_later_file_may_bring_a_column_the_earlier_ones_lack() -> None:
    rows: dict[str, list[object]] = {"source_row": [2], "a": ["x"]}
    first = _delivery("anitp_2020_20210115.csv", rows)
    later = _delivery("anitp_2021_20220115.csv", rows | {"b": ["y"]})
    (table,) = stages._raw_rows("anitp", [first, later]).values()
    assert table.columns == ["source_row", "a", "source_file", "source_sheet", "b"]
    assert table["b"].to_list() == [None, "y"]
    assert table["source_file"].to_list() == ["anitp_2020_20210115.csv", "anitp_2021_20220115.csv"]

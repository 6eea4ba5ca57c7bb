"""The ingest stages work on two files at once: the warehouse is the same as one at a time,
and a file whose mapping fails is rejected alone."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest import stages
from pipelines.ingest import warehouse as wh
from pipelines.settings import SAMPLE_LANDING
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


@pytest.mark.slow
def test_two_files_at_a_time_give_the_one_at_a_time_warehouse(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stages, "READ_AHEAD", 1)
    alone = _ingest(SAMPLE_LANDING, tmp_path / "alone.duckdb", key)
    monkeypatch.setattr(stages, "READ_AHEAD", 2)
    together = _ingest(SAMPLE_LANDING, tmp_path / "together.duckdb", key)
    assert alone.keys() == together.keys()
    assert sum(frame.height for frame in alone.values()) > 1_000
    for name, frame in alone.items():
        assert together[name].equals(frame), name


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

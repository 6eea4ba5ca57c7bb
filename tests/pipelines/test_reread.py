"""A file the agency corrects under the same name is read again, and nothing of its earlier
content stays: not its raw, validated or unified rows, nor its quarantine or manifest row."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines.ingest import stages
from pipelines.ingest import warehouse as wh
from pipelines.settings import SAMPLE_LANDING
from sources.registry import SOURCES

ANITP = SOURCES["anitp"]


def _rows_of(con: duckdb.DuckDBPyConnection, file_name: str) -> dict[str, int]:
    tables = ["raw.anitp__victims", "ops.file_manifest", "ops.quarantine"]
    tables += [f"{schema}.{t}" for schema in wh.STAGE_SCHEMAS for t in stages.STAGE_TABLES]
    return {
        table: con.execute(
            f"SELECT count(*) FROM {table} WHERE source_file = ?", [file_name]
        ).fetchall()[0][0]
        for table in tables
    }


def test_a_corrected_file_replaces_every_trace_of_the_first(tmp_path: Path, key: bytes) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_LANDING / "anitp", landing / "anitp")
    first = sorted((landing / "anitp").glob("*.csv"))[0]
    with wh.connect(tmp_path / "w.duckdb") as con:
        wh.ensure_tables(con)
        stages.read_new_files(con, landing, ANITP, key, "first")
        stages.validate_pending(con, landing, ANITP, "first")
        stages.publish_validated(con, "anitp", "first")
        before = _rows_of(con, first.name)
        # the correction: the same name, the last victim's row removed
        lines = first.read_bytes().splitlines(keepends=True)
        first.write_bytes(b"".join(lines[:-1]))
        outcomes = stages.read_new_files(con, landing, ANITP, key, "second")
        after = _rows_of(con, first.name)
    assert [o.source_file for o in outcomes] == [first.name]
    assert before["raw.anitp__victims"] == len(lines) - 1 > 1
    assert before["unified.person_record"] > 0
    assert after["raw.anitp__victims"] == before["raw.anitp__victims"] - 1
    assert after["ops.file_manifest"] == 1
    assert {table: n for table, n in after.items() if n} == {
        "raw.anitp__victims": len(lines) - 2,
        "ops.file_manifest": 1,
    }

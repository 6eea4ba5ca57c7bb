"""A warehouse built by an earlier release is brought up to the current unified columns."""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest import warehouse as wh


def test_an_older_unified_table_gets_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with wh.connect(path) as con:
        wh.ensure_tables(con)
        con.execute("ALTER TABLE unified.court_decision DROP COLUMN offence_codes")
        con.execute("INSERT INTO unified.court_decision (record_id) VALUES ('r1')")
    with wh.connect(path) as con:
        wh.ensure_tables(con)
        rows = con.execute("SELECT record_id, offence_codes FROM unified.court_decision").fetchall()
    assert rows == [("r1", None)]

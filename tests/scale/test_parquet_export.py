"""The Parquet layers: every unified row once, under its agency and the period of its
extract; marts by year where they have one; a second export replaces the first."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest import warehouse as wh
from pipelines.ops.parquet_export import export


def _warehouse(path: Path) -> None:
    with wh.connect(path) as con:
        wh.ensure_tables(con)
        con.execute(
            "INSERT INTO unified.person_record (source_agency, source_file, period, source_row) "
            "VALUES ('anitp', 'anitp_2016_20170115.csv', '2016', 2), "
            "('anitp', 'anitp_2016_20170115.csv', '2016', 3), "
            "('politie', 'politie_2017_20180110.csv', '2017', 2)"
        )
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.by_year AS SELECT * FROM (VALUES (2016, 5), (2017, 7)) t(year, n)"
        )
        con.execute("CREATE TABLE marts.flat AS SELECT 1 AS n")


def test_unified_rows_are_partitioned_by_agency_and_period(tmp_path: Path) -> None:
    warehouse, folder = tmp_path / "w.duckdb", tmp_path / "parquet"
    _warehouse(warehouse)
    assert export(warehouse, folder) == {"unified": 6, "marts": 2}

    persons = folder / "unified" / "person_record"
    parts = sorted(str(p.parent.relative_to(persons)) for p in persons.rglob("*.parquet"))
    assert parts == ["source_agency=anitp/period=2016", "source_agency=politie/period=2017"]
    rows = pl.read_parquet(persons / "**" / "*.parquet", hive_partitioning=True)
    assert sorted(rows.select("source_agency", "source_row").rows()) == [
        ("anitp", 2),
        ("anitp", 3),
        ("politie", 2),
    ]
    years = sorted(p.parent.name for p in (folder / "marts" / "by_year").rglob("*.parquet"))
    assert years == ["year=2016", "year=2017"]
    assert pl.read_parquet(folder / "marts" / "flat" / "data_0.parquet").rows() == [(1,)]


def test_a_second_export_replaces_the_first(tmp_path: Path) -> None:
    warehouse, folder = tmp_path / "w.duckdb", tmp_path / "parquet"
    _warehouse(warehouse)
    export(warehouse, folder)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM unified.person_record WHERE source_agency = 'politie'")
    export(warehouse, folder)
    agencies = {p.name for p in (folder / "unified" / "person_record").iterdir()}
    assert agencies == {"source_agency=anitp"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parquet", "w.duckdb"]

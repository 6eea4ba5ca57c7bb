"""The unified and mart layers as Parquet, for engines other than DuckDB (docs/scale-out.md).

    <parquet>/unified/<table>/source_agency=<agency>/period=<year>/data_0.parquet
    <parquet>/marts/<table>/year=<year>/data_0.parquet   (marts with a `year` column)
    <parquet>/marts/<table>/data_0.parquet               (the others)

`period` is the period an extract covers (every unified row carries it). The folder is
written beside the old one and swapped in, so a reader never sees half an export.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines.ingest import warehouse as wh
from pipelines.ingest.stages import STAGE_TABLES

# DuckDB buffers a partitioned COPY up to its limit (80% of RAM by default): a 3 M-row world
# peaked at 4.8 GiB; with this limit 1.7 GiB, for 13.6 s -> 21 s.
EXPORT_MEMORY = "1500MB"
# Rows a thread buffers across all partitions before it writes them out (DuckDB's default
# 524,288). Within EXPORT_MEMORY, the default's buffers spilled to disk: 10 M person records
# in 65 agency-period folders took 95 s, with this 25 s (one unpartitioned file: 18 s); the
# files' row groups still come out at 30,000-115,000 rows, the same size on disk.
FLUSH_EVERY_ROWS = 30_000


def _copy(con: duckdb.DuckDBPyConnection, query: str, out: Path, partitions: list[str]) -> None:
    by = f", PARTITION_BY ({', '.join(partitions)})" if partitions else ""
    target = out if partitions else out / "data_0.parquet"
    out.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet{by})")


def _mart_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT table_name, list(column_name) FROM information_schema.columns "
        "WHERE table_schema = 'marts' GROUP BY table_name ORDER BY table_name"
    ).fetchall()
    return {name: columns for name, columns in rows}


def export(warehouse: Path, folder: Path) -> dict[str, int]:
    """Write every unified table and mart; the number of tables written per layer."""
    scratch = folder.with_name(f".{folder.name}.new")
    shutil.rmtree(scratch, ignore_errors=True)
    with wh.connect(warehouse, read_only=True) as con:
        con.execute(f"SET memory_limit = '{EXPORT_MEMORY}'")
        con.execute(f"SET partitioned_write_flush_threshold = {FLUSH_EVERY_ROWS}")
        for table in STAGE_TABLES:
            query = f"SELECT * FROM unified.{table}"
            _copy(con, query, scratch / "unified" / table, ["source_agency", "period"])
        marts = _mart_tables(con)
        for table, columns in marts.items():
            partitions = ["year"] if "year" in columns else []
            _copy(con, f"SELECT * FROM marts.{table}", scratch / "marts" / table, partitions)
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    scratch.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return {"unified": len(STAGE_TABLES), "marts": len(marts)}

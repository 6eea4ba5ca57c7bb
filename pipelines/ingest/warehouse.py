"""The DuckDB warehouse: table definitions and per-file, transactional writes.

A file's rows are replaced as a whole (delete by source_file, insert) inside one
transaction together with its manifest row, so a crash never leaves half a file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import pyarrow

from pipelines import settings
from pipelines.ingest.validation import QUARANTINE_SCHEMA
from schemas.unified import UNIFIED_MODELS

STAGE_SCHEMAS = ("validated", "unified")
MANIFEST_SCHEMA: dict[str, pl.DataType] = {
    "file_id": pl.Utf8(),
    "source_agency": pl.Utf8(),
    "source_file": pl.Utf8(),
    "period": pl.Utf8(),
    "extract_date": pl.Date(),
    "size_bytes": pl.Int64(),
    "status": pl.Utf8(),
    "reason": pl.Utf8(),
    "rows_read": pl.Int64(),
    "rows_accepted": pl.Int64(),
    "rows_quarantined": pl.Int64(),
    "run_id": pl.Utf8(),
    "loaded_at": pl.Datetime("us", "UTC"),
}
_DUCKDB_TYPES: dict[pl.DataType, str] = {
    pl.Utf8(): "VARCHAR",
    pl.Int64(): "BIGINT",
    pl.Float64(): "DOUBLE",
    pl.Boolean(): "BOOLEAN",
    pl.Date(): "DATE",
    pl.Datetime("us", "UTC"): "TIMESTAMPTZ",
    pl.List(pl.Utf8): "VARCHAR[]",
    pl.List(pl.Int64): "BIGINT[]",
}


def duckdb_type(dtype: pl.DataType) -> str:
    return _DUCKDB_TYPES[dtype]


def _columns_sql(schema: dict[str, pl.DataType]) -> str:
    return ", ".join(f'"{name}" {duckdb_type(dtype)}' for name, dtype in schema.items())


@cache  # the pandera model's schema is rebuilt on every call otherwise
def unified_schema(table: str) -> dict[str, pl.DataType]:
    columns = UNIFIED_MODELS[table].to_schema().columns
    return {name: column.dtype.type for name, column in columns.items()}


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection within TIPSTATS_WAREHOUSE_MEMORY (beyond it DuckDB spills to
    `<warehouse>.tmp`); DuckDB's own default is 80% of the machine."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        con.execute(f"SET memory_limit = '{settings.warehouse_memory()}'")
        yield con
    finally:
        con.close()


# Written by the linkage (pipelines/linkage); created empty so dbt can read them before it ran.
LINK_TABLES = {
    "unified.person_link": (
        "record_id VARCHAR, source_agency VARCHAR, person_id VARCHAR, "
        "link_method VARCHAR, match_probability DOUBLE"
    ),
    "ops.linkage_review": (
        "pair_id VARCHAR, record_id_l VARCHAR, record_id_r VARCHAR, source_agency_l VARCHAR, "
        "source_agency_r VARCHAR, match_probability DOUBLE, match_weight DOUBLE, "
        "evidence VARCHAR, decision VARCHAR"
    ),
    "ops.linkage_model": (
        "linked_at TIMESTAMP, records BIGINT, persons BIGINT, threshold DOUBLE, "
        "trained BOOLEAN, model_json VARCHAR"
    ),
}


@cache
def _fixed_columns() -> frozenset[tuple[str, str, str]]:
    """(schema, table, column) of every fixed table."""
    tables = {("ops", "file_manifest"): MANIFEST_SCHEMA, ("ops", "quarantine"): QUARANTINE_SCHEMA}
    for table in UNIFIED_MODELS:
        for schema in STAGE_SCHEMAS:
            tables[(schema, table)] = unified_schema(table)
    fixed = {(s, t, c) for (s, t), columns in tables.items() for c in columns}
    for name, columns_sql in LINK_TABLES.items():
        schema, table = name.split(".")
        fixed |= {(schema, table, c.split()[0]) for c in columns_sql.split(", ")}
    return frozenset(fixed)


def _complete(con: duckdb.DuckDBPyConnection) -> bool:
    """Every schema, fixed table and column is there (one query; every step asks)."""
    schemas = {"ops", "raw", *STAGE_SCHEMAS}
    found = con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() "
        "AND table_schema IN ('ops', 'validated', 'unified')"
    ).fetchall()
    named = con.execute(
        "SELECT schema_name FROM information_schema.schemata "
        "WHERE catalog_name = current_database()"
    ).fetchall()
    return _fixed_columns() <= set(found) and schemas <= {name for (name,) in named}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create schemas and the fixed tables if they do not exist (idempotent)."""
    if _complete(con):
        return
    for schema in ("ops", "raw", *STAGE_SCHEMAS):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"CREATE TABLE IF NOT EXISTS ops.file_manifest ({_columns_sql(MANIFEST_SCHEMA)})")
    con.execute(f"CREATE TABLE IF NOT EXISTS ops.quarantine ({_columns_sql(QUARANTINE_SCHEMA)})")
    for table in UNIFIED_MODELS:
        for schema in STAGE_SCHEMAS:
            columns = _columns_sql(unified_schema(table))
            con.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({columns})")
            _add_new_columns(con, schema, table)
    for table, columns in LINK_TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")


def _add_new_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    """A warehouse built by an earlier release gets the columns added since (null in the rows
    it already holds), so the models can read them even on a run with no new file."""
    existing = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        ).fetchall()
    }
    for name, dtype in unified_schema(table).items():
        if name not in existing:
            con.execute(f'ALTER TABLE {schema}.{table} ADD COLUMN "{name}" {duckdb_type(dtype)}')


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether the table exists; works on a read-only connection, where `ensure_tables`
    cannot create it."""
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchall()
    return bool(found[0][0])


def insert(
    con: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame | pyarrow.RecordBatchReader
) -> None:
    """Append rows by column name (columns missing from them stay null); a reader's batches
    stream in without the whole table ever in memory."""
    if isinstance(rows, pl.DataFrame):
        if rows.is_empty():
            return
        rows = rows.to_arrow()
    con.register("_frame", rows)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def ensure_raw_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Raw tables take their columns from the first delivery; new columns are added later."""
    existing = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = ?",
        [table.split(".", 1)[1]],
    ).fetchall()
    if not existing:
        con.execute(f"CREATE TABLE {table} ({_columns_sql(dict(frame.schema))})")
        return
    known = {name for (name,) in existing}
    for name, dtype in frame.schema.items():
        if name not in known:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {duckdb_type(dtype)}')


def of_files(count: int) -> str:
    """The condition for the rows of `count` files, their names given as parameters: one
    statement for a whole group of files."""
    return f"source_file IN ({', '.join('?' * count)})"


def read_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> pl.DataFrame:
    # .pl() is typed Any
    frame: pl.DataFrame = con.sql(sql, params=list(params) if params else None).pl()
    return frame


def raw_tables(con: duckdb.DuckDBPyConnection, agency: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' "
        "AND starts_with(table_name, ?) ORDER BY table_name",
        [f"{agency}__"],
    ).fetchall()
    return [f"raw.{name}" for (name,) in rows]

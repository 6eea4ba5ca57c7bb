"""Ordered content checksums of warehouse tables, computed in SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb


def table_checksums(
    database: Path,
    schemas: Sequence[str],
    run_specific: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, tuple[int, str]]:
    """(rows, md5 of the rows' text in sorted order) of every table in `schemas`, by
    `schema.table`, leaving out the `run_specific` columns named per table.

    A row's text names every column with its value, so sorting by it orders by all columns
    and the hash changes with any value, column name or row count.
    """
    sums: dict[str, tuple[int, str]] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE list_contains(?, table_schema) ORDER BY 1",
            [list(schemas)],
        ).fetchall()
        for (table,) in tables:
            excluded = (run_specific or {}).get(table)
            columns = f"* EXCLUDE ({', '.join(excluded)})" if excluded else "*"
            row = con.execute(
                "SELECT count(*), md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) "
                f"ORDER BY CAST(t AS VARCHAR)), '')) FROM (SELECT {columns} FROM {table}) t"
            ).fetchone()
            assert row is not None
            sums[table] = (row[0], row[1])
    return sums

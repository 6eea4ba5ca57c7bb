"""Quarantined rows for a steward to act on, exported from the published database."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

EXPORT_COLUMNS = (
    "source_agency, source_file, source_sheet, source_row, column_name, rule, reason, value, stage"
)


def quarantined(published: Path, agency: str | None, run_id: str | None) -> pl.DataFrame:
    """Rows quarantined (values are masked where they are identifiers), file by file."""
    filters, params = ["TRUE"], []
    if agency:
        filters.append("q.source_agency = ?")
        params.append(agency)
    if run_id:
        filters.append("m.run_id LIKE ?")
        params.append(f"{run_id}%")
    sql = f"""
        SELECT m.run_id, q.{EXPORT_COLUMNS.replace(", ", ", q.")}
        FROM ops.quarantine q
        LEFT JOIN ops.file_manifest m
          ON m.source_file = q.source_file AND m.source_agency = q.source_agency
        WHERE {" AND ".join(filters)}
        ORDER BY q.source_agency, q.source_file, q.source_sheet, q.source_row, q.column_name
    """
    with duckdb.connect(str(published), read_only=True) as con:
        frame: pl.DataFrame = con.sql(sql, params=params or None).pl()  # .pl() is typed Any
    return frame

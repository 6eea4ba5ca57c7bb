"""What one run quarantined for one agency, for the Dagster UI and the run log.

Values are the masked ones stored in `ops.quarantine`: an identifier is never shown.
"""

from __future__ import annotations

import duckdb
import polars as pl

PREVIEW_ROWS = 20

_OF_RUN = """
    FROM ops.quarantine q
    JOIN ops.file_manifest m ON m.source_file = q.source_file AND m.source_agency = q.source_agency
    WHERE q.source_agency = ? AND m.run_id = ?
"""


def rows_quarantined(con: duckdb.DuckDBPyConnection, agency: str, run_id: str) -> int:
    """Distinct source rows quarantined in this run (a row failing two rules counts once)."""
    found = con.execute(
        f"SELECT count(DISTINCT (q.source_file, q.source_sheet, q.source_row)) {_OF_RUN} "
        "AND q.source_row IS NOT NULL",
        [agency, run_id],
    ).fetchall()
    return int(found[0][0])


def by_rule(con: duckdb.DuckDBPyConnection, agency: str, run_id: str) -> pl.DataFrame:
    """Rows quarantined in this run per rule and column, with one readable reason each."""
    frame: pl.DataFrame = con.sql(  # duckdb types .pl() as Any
        f"""
        SELECT q.rule, coalesce(q.column_name, '(whole file)') AS column_name,
               count(DISTINCT (q.source_file, q.source_sheet, q.source_row)) AS rows,
               count(DISTINCT q.source_file) AS files, min(q.reason) AS example_reason
        {_OF_RUN}
        GROUP BY ALL ORDER BY rows DESC, q.rule, column_name
        """,
        params=[agency, run_id],
    ).pl()
    return frame


def preview(con: duckdb.DuckDBPyConnection, agency: str, run_id: str) -> pl.DataFrame:
    """The first quarantined cells of this run, as a steward would open them."""
    frame: pl.DataFrame = con.sql(
        f"""
        SELECT q.source_file, q.source_sheet, q.source_row, q.column_name, q.rule, q.reason,
               q.value
        {_OF_RUN}
        ORDER BY q.source_file, q.source_sheet, q.source_row, q.column_name
        LIMIT {PREVIEW_ROWS}
        """,
        params=[agency, run_id],
    ).pl()
    return frame


def as_markdown(frame: pl.DataFrame) -> str:
    """A small frame as a Markdown table (the UI renders it)."""
    if frame.is_empty():
        return "nothing quarantined in this run"
    cells = [
        [("" if v is None else str(v)).replace("|", "\\|") for v in row] for row in frame.rows()
    ]
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * frame.width
    return "\n".join([header, rule, *("| " + " | ".join(row) + " |" for row in cells)])

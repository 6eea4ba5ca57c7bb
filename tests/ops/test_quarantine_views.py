"""What a steward sees of a quarantine: per run and rule in the UI, exported as CSV."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ingest import quarantine_report
from pipelines.ingest import warehouse as wh
from pipelines.ops.quarantine import quarantined

MANIFEST = [
    ("politie", "politie_2024_20250110.csv", "run-new"),
    ("politie", "politie_2023_20240110.csv", "run-old"),
    ("anitp", "anitp_2024_20250115.csv", "run-new"),
]
# (agency, file, row, column, rule, reason, value)
QUARANTINE = [
    ("politie", "politie_2024_20250110.csv", 2, "data_sesizare", "date", "not a date", "31.02.24"),
    ("politie", "politie_2024_20250110.csv", 2, "sex", "codelist", "not a sex code", "X"),
    ("politie", "politie_2024_20250110.csv", 5, "data_sesizare", "date", "not a date", "2024"),
    ("politie", "politie_2023_20240110.csv", 3, "sex", "codelist", "not a sex code", "Q"),
    ("anitp", "anitp_2024_20250115.csv", 4, "cnp_key", "not_nullable", "required", None),
]


def _warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    wh.ensure_tables(con)
    for agency, name, run in MANIFEST:
        con.execute(
            "INSERT INTO ops.file_manifest (source_agency, source_file, run_id, status) "
            "VALUES (?, ?, ?, 'loaded')",
            [agency, name, run],
        )
    for agency, name, row, column, rule, reason, value in QUARANTINE:
        con.execute(
            "INSERT INTO ops.quarantine (source_agency, source_file, source_row, column_name, "
            "rule, reason, value, stage) VALUES (?, ?, ?, ?, ?, ?, ?, 'validate')",
            [agency, name, row, column, rule, reason, value],
        )
    return con


def test_per_run_summary_counts_rows_once_and_groups_by_rule(tmp_path: Path) -> None:
    with _warehouse(tmp_path / "w.duckdb") as con:
        rows = quarantine_report.rows_quarantined(con, "politie", "run-new")
        by_rule = quarantine_report.by_rule(con, "politie", "run-new")
        preview = quarantine_report.preview(con, "politie", "run-new")
    assert rows == 2  # row 2 fails twice, row 5 once; the old run's row is not this run's
    assert by_rule.select("rule", "column_name", "rows").rows() == [
        ("date", "data_sesizare", 2),
        ("codelist", "sex", 1),
    ]
    assert preview["source_row"].to_list() == [2, 2, 5]
    table = quarantine_report.as_markdown(by_rule)
    assert table.splitlines()[0].startswith("| rule | column_name | rows |")
    assert quarantine_report.as_markdown(by_rule.clear()) == "nothing quarantined in this run"


def test_export_filters_by_agency_and_run(tmp_path: Path) -> None:
    _warehouse(tmp_path / "published.duckdb").close()
    everything = quarantined(tmp_path / "published.duckdb", None, None)
    police_new = quarantined(tmp_path / "published.duckdb", "politie", "run-n")
    assert everything.height == len(QUARANTINE)
    assert police_new.select("source_file", "source_row", "rule").rows() == [
        ("politie_2024_20250110.csv", 2, "date"),
        ("politie_2024_20250110.csv", 2, "codelist"),
        ("politie_2024_20250110.csv", 5, "date"),
    ]

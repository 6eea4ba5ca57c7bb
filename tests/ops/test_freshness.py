"""An agency that has sent nothing for too long is flagged, as a warning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.ingest.checks import INGEST_CHECKS
from pipelines.defs.resources import WarehouseResource
from pipelines.ingest import warehouse as wh

pytestmark = pytest.mark.slow  # Dagster asset checks


def _check(agency: str) -> dg.AssetChecksDefinition:
    return next(
        c
        for c in INGEST_CHECKS
        if next(iter(c.check_keys))
        == dg.AssetCheckKey(dg.AssetKey(f"raw_{agency}"), "sent_recently")
    )


def _warehouse(path: Path, arrived_days_ago: int | None) -> WarehouseResource:
    with duckdb.connect(str(path)) as con:
        wh.ensure_tables(con)
        if arrived_days_ago is not None:
            con.execute(
                "INSERT INTO ops.file_manifest (source_agency, source_file, loaded_at) "
                "VALUES ('politie', 'politie_2024_20250110.csv', ?)",
                [datetime.now(UTC) - timedelta(days=arrived_days_ago)],
            )
    return WarehouseResource(path=str(path))


@pytest.mark.parametrize(
    ("days_ago", "passed", "words"),
    [(3, True, "3 days ago"), (40, False, "40 days ago (limit 30)"), (None, False, "no file")],
)
def test_sent_recently(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    days_ago: int | None,
    passed: bool,
    words: str,
) -> None:
    monkeypatch.setenv("TIPSTATS_FRESHNESS_DAYS", "30")
    result = _check("politie")(warehouse=_warehouse(tmp_path / "w.duckdb", days_ago))
    assert result.passed is passed
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert words in (result.description or "")

"""The pipeline's own connections to the warehouse work within TIPSTATS_WAREHOUSE_MEMORY,
not DuckDB's default of 80% of the machine (the process took 3.2 GiB validating 3 million
rows without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import settings
from pipelines.ingest import warehouse as wh


def _limit(path: Path) -> str:
    with wh.connect(path) as con:
        ((shown,),) = con.execute("SELECT current_setting('memory_limit')").fetchall()
    return str(shown)


@pytest.mark.parametrize(("configured", "shown"), [(None, "953.6 MiB"), ("300MB", "286.1 MiB")])
def test_the_warehouse_connection_works_within_its_memory_setting(
    configured: str | None, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if configured is None:
        monkeypatch.delenv(settings.WAREHOUSE_MEMORY_ENV, raising=False)
    else:
        monkeypatch.setenv(settings.WAREHOUSE_MEMORY_ENV, configured)
    assert _limit(tmp_path / "w.duckdb") == shown


def test_a_warehouse_memory_that_is_no_size_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.WAREHOUSE_MEMORY_ENV, "2 gigs")
    with pytest.raises(ValueError, match="TIPSTATS_WAREHOUSE_MEMORY must be a size"):
        _limit(tmp_path / "w.duckdb")

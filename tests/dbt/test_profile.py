"""dbt's DuckDB works within a memory limit (TIPSTATS_DBT_MEMORY), not DuckDB's default of
80% of the machine, and builds two nodes at once only while the warehouse is small."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import settings
from tests.dbt.conftest import run_dbt

SHOW_LIMIT = ("--inline", "select current_setting('memory_limit') as memory_limit")


@pytest.mark.parametrize(("configured", "shown"), [(None, "2.7 GiB"), ("1GB", "953.6 MiB")])
def test_dbt_works_within_its_memory_limit(
    configured: str | None, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if configured is None:
        monkeypatch.delenv("TIPSTATS_DBT_MEMORY", raising=False)
    else:
        monkeypatch.setenv("TIPSTATS_DBT_MEMORY", configured)
    done = run_dbt("show", tmp_path / "w.duckdb", tmp_path, *SHOW_LIMIT)
    assert done.returncode == 0, done.stdout[-2000:]
    assert f"| {shown} " in done.stdout


def test_the_profile_and_the_preflight_know_the_same_default() -> None:
    profile = (settings.DBT_PROJECT_DIR / "profiles.yml").read_text()
    expected = f"env_var('{settings.DBT_MEMORY_ENV}', '{settings.DEFAULT_DBT_MEMORY}')"
    assert expected in profile


@pytest.mark.parametrize(
    ("warehouse_kb", "memory", "configured", "threads"),
    [
        (None, "1MB", None, 2),  # no warehouse yet
        (240, "1MB", None, 2),  # under a quarter of dbt's memory
        (260, "1MB", None, 1),
        (260, "1MiB", None, 2),  # 1MiB is 1,048,576 bytes
        (260, "1MB", "3", 3),  # as set
        (1, "1MB", "1", 1),
    ],
)
def test_two_dbt_nodes_at_once_only_for_a_warehouse_small_against_dbt_memory(
    warehouse_kb: int | None,
    memory: str,
    configured: str | None,
    threads: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warehouse = tmp_path / "w.duckdb"
    if warehouse_kb is not None:
        warehouse.write_bytes(b"\0" * warehouse_kb * 1000)
    monkeypatch.setenv(settings.DBT_MEMORY_ENV, memory)
    if configured is None:
        monkeypatch.delenv(settings.DBT_THREADS_ENV, raising=False)
    else:
        monkeypatch.setenv(settings.DBT_THREADS_ENV, configured)
    assert settings.dbt_threads(warehouse) == threads

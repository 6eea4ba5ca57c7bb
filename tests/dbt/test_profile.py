"""dbt's DuckDB works within a memory limit (TIPSTATS_DBT_MEMORY), not DuckDB's default of
80% of the machine, and dbt builds TIPSTATS_DBT_THREADS nodes at once."""

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


@pytest.mark.parametrize(("configured", "threads"), [(None, 2), ("1", 1)])
def test_dbt_builds_as_many_nodes_at_once_as_set(
    configured: str | None, threads: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if configured is None:
        monkeypatch.delenv("TIPSTATS_DBT_THREADS", raising=False)
    else:
        monkeypatch.setenv("TIPSTATS_DBT_THREADS", configured)
    done = run_dbt("seed", tmp_path / "w.duckdb", tmp_path, "--select", "codelist_codes")
    assert done.returncode == 0, done.stdout[-2000:]
    assert f"Concurrency: {threads} threads" in done.stdout


@pytest.mark.parametrize(
    ("variable", "default"),
    [
        (settings.DBT_MEMORY_ENV, settings.DEFAULT_DBT_MEMORY),
        (settings.DBT_THREADS_ENV, settings.DEFAULT_DBT_THREADS),
    ],
)
def test_the_profile_and_the_preflight_know_the_same_default(variable: str, default: str) -> None:
    profile = (settings.DBT_PROJECT_DIR / "profiles.yml").read_text()
    assert f"env_var('{variable}', '{default}')" in profile

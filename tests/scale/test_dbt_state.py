"""dbt is skipped only when the marts are there and were built from the same state."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ops import dbt_state


def test_the_last_build_counts_only_while_its_marts_exist(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE SCHEMA ops")
        assert dbt_state.last_built(con) is None  # never built
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.m AS SELECT 1 AS n")
        dbt_state.record_build(con, "state-1")
        dbt_state.record_build(con, "state-2")
        assert dbt_state.last_built(con) == "state-2"
        assert con.execute("SELECT count(*) FROM ops.dbt_build").fetchall() == [(1,)]
        con.execute("DROP TABLE marts.m")  # marts gone: build again whatever the state says
        assert dbt_state.last_built(con) is None


def test_every_warehouse_has_its_own_target_folder(tmp_path: Path) -> None:
    first = dbt_state.target_folder(tmp_path / "a" / "w.duckdb")
    second = dbt_state.target_folder(tmp_path / "b" / "w.duckdb")
    assert first != second
    assert first.parent == tmp_path / "a"


def test_dbt_code_covers_models_macros_and_the_project_file() -> None:
    names = {path.name for path in dbt_state.dbt_code()}
    assert "dbt_project.yml" in names
    assert any(name.endswith(".sql") for name in names)

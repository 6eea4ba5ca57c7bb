"""Mart descriptions reach the warehouse as DuckDB comments, so any client shows them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

pytestmark = pytest.mark.slow
MARTS = Path(__file__).parents[2] / "dbt_project" / "models" / "marts"


def yml_descriptions() -> dict[str, tuple[str, dict[str, str]]]:
    """Model -> (description, column -> description), straight from the marts' yml files."""
    described = {}
    for path in MARTS.rglob("*.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            columns = {c["name"]: c["description"] for c in model["columns"]}
            described[model["name"]] = (model["description"], columns)
    return described


def warehouse_comments(warehouse: Path) -> dict[str, tuple[str | None, dict[str, str | None]]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall()
        columns = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name = 'marts'"
        ).fetchall()
    return {
        table: (comment, {c: cc for t, c, cc in columns if t == table}) for table, comment in tables
    }


def test_every_mart_table_and_column_carries_its_yml_description(marts: Path) -> None:
    described = yml_descriptions()
    in_warehouse = warehouse_comments(marts)
    assert sorted(in_warehouse) == sorted(described)
    for table, (comment, column_comments) in in_warehouse.items():
        description, column_descriptions = described[table]
        assert comment and comment.strip(), table
        assert comment == description, table
        assert sorted(column_comments) == sorted(column_descriptions), table
        for column, column_comment in column_comments.items():
            assert column_comment and column_comment.strip(), f"{table}.{column}"
            assert column_comment == column_descriptions[column], f"{table}.{column}"


def test_staging_views_carry_their_description(marts: Path) -> None:
    with duckdb.connect(str(marts), read_only=True) as con:
        views = dict(
            con.execute(
                "SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'staging'"
            ).fetchall()
        )
    assert views["stg_anitp__victim_identifications"] == (
        "ANITP identification episodes of the latest extract of each period."
    )
    assert all(comment for comment in views.values()), views

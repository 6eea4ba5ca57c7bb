"""A mart column declared not null is so in the warehouse: its contract's constraint is
part of the table, checked as the rows are written (not by a test that reads them again)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest


def declared_not_null(manifest: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (node["name"], name)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for name, column in node["columns"].items()
        if any(c["type"] == "not_null" for c in column.get("constraints", []))
    }


def test_every_declared_not_null_column_is_a_table_constraint(
    marts: Path, parsed_manifest: dict[str, Any]
) -> None:
    declared = declared_not_null(parsed_manifest)
    assert len(declared) >= 50  # the marts' keys, years and counts
    with duckdb.connect(str(marts), read_only=True) as con:
        enforced = set(
            con.execute(
                "SELECT table_name, unnest(constraint_column_names) FROM duckdb_constraints() "
                "WHERE schema_name = 'marts' AND constraint_type = 'NOT NULL'"
            ).fetchall()
        )
    assert declared <= enforced, sorted(declared - enforced)


def test_a_null_in_a_not_null_mart_column_is_refused(marts: Path, tmp_path: Path) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(marts, copy)
    with (
        duckdb.connect(str(copy)) as con,
        pytest.raises(duckdb.ConstraintException, match="county_code"),
    ):
        con.execute("INSERT INTO marts.dim_county (county_code) VALUES (NULL)")

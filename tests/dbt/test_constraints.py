"""A mart's contract constraints are part of its table, checked by DuckDB as the rows are
written (not by a test node that reads them again): columns declared not null, a code
column's accepted values (a check), and the keys of the dimensions and report tables
(unique)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

# dbt's constraint type, DuckDB's name for it, and how many the marts declare at least
KINDS = {"not_null": ("NOT NULL", 50), "check": ("CHECK", 20), "unique": ("UNIQUE", 15)}

Declared = set[tuple[str, tuple[str, ...]]]


def declared(manifest: dict[str, Any], kind: str) -> Declared:
    """(model, columns) of every constraint of this kind, on a column or on the model."""
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    on_columns = {
        (node["name"], (name,))
        for node in models
        for name, column in node["columns"].items()
        if any(c["type"] == kind for c in column.get("constraints", []))
    }
    on_models = {
        (node["name"], tuple(c["columns"]))
        for node in models
        for c in node.get("constraints", [])
        if c["type"] == kind
    }
    return on_columns | on_models


def enforced(warehouse: Path, duckdb_type: str) -> Declared:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE schema_name = 'marts' AND constraint_type = ?",
            [duckdb_type],
        ).fetchall()
    return {(table, tuple(columns)) for table, columns in rows}


@pytest.mark.parametrize("kind", KINDS)
def test_every_declared_constraint_is_a_table_constraint(
    kind: str, marts: Path, parsed_manifest: dict[str, Any]
) -> None:
    duckdb_type, at_least = KINDS[kind]
    wanted = declared(parsed_manifest, kind)
    assert len(wanted) >= at_least
    missing = wanted - enforced(marts, duckdb_type)
    assert not missing, sorted(missing)


@pytest.mark.parametrize(
    ("insert", "refusal"),
    [
        ("INSERT INTO marts.dim_county (county_code) VALUES (NULL)", "county_code"),
        (
            "INSERT INTO marts.dim_exploitation_form (exploitation_form, eurostat_category) "
            "VALUES ('test_form', 'not_a_category')",
            "eurostat_category",
        ),
        (
            "INSERT INTO marts.rpt_victims_by_year BY NAME "
            "SELECT * FROM marts.rpt_victims_by_year LIMIT 1",
            'Duplicate key "year',
        ),
    ],
    ids=["null", "value not accepted", "duplicate key"],
)
def test_a_row_breaking_a_constraint_is_refused(
    insert: str, refusal: str, marts: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(marts, copy)
    with duckdb.connect(str(copy)) as con, pytest.raises(duckdb.ConstraintException, match=refusal):
        con.execute(insert)

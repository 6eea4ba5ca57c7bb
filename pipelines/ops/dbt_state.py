"""What the marts were last built from, so a run with nothing new does not start dbt.

The state is `publication.state_of` (the files loaded and the dbt code); it is kept in the
warehouse itself (`ops.dbt_build`, one row), so a new or replaced warehouse always builds.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import settings

TABLE = "ops.dbt_build"


def dbt_sources(root: Path = settings.DBT_PROJECT_DIR) -> list[Path]:
    """The files dbt parses into its manifest: the project file and its models, macros,
    seeds and tests."""
    folders = ("models", "macros", "seeds", "tests")
    files = [p for folder in folders for p in (root / folder).rglob("*") if p.is_file()]
    return [root / "dbt_project.yml", *files]


def dbt_code() -> list[Path]:
    """The files that decide what the marts hold, besides the data: the dbt project, and
    the estimation code its Python model int_mse_estimates runs."""
    estimation = sorted((settings.PROJECT_ROOT / "pipelines" / "estimation").glob("*.py"))
    return [*dbt_sources(), *estimation]


def last_built(con: duckdb.DuckDBPyConnection) -> str | None:
    """The state of the last successful `dbt build`, if the marts it made are still there
    (works on a read-only connection)."""
    tables = con.execute(
        "SELECT count(*) FILTER (table_schema = 'marts'), "
        "count(*) FILTER (table_schema = 'ops' AND table_name = 'dbt_build') "
        "FROM information_schema.tables"
    ).fetchall()
    marts, recorded = tables[0]
    if not (marts and recorded):
        return None
    found = con.execute(f"SELECT max(state) FROM {TABLE}").fetchall()[0][0]
    return str(found) if found else None


def record_build(con: duckdb.DuckDBPyConnection, state: str) -> None:
    con.execute("BEGIN")
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (state VARCHAR NOT NULL)")
    con.execute(f"DELETE FROM {TABLE}")
    con.execute(f"INSERT INTO {TABLE} VALUES (?)", [state])
    con.execute("COMMIT")


def target_folder(warehouse: Path) -> Path:
    """dbt's target folder for this warehouse: kept between runs, so dbt re-parses only what
    changed (partial parse), and one per warehouse, so two warehouses never share one."""
    return warehouse.parent / f".{warehouse.name}.dbt-target"

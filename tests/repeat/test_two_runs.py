"""Two runs from scratch on the same landing zone and key give the same warehouse and tables."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import TEST_KEY
from tests.pipelines.runner import TIPSTATS, tipstats_run

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).parents[2] / "sample" / "landing"
COMPARED_SCHEMAS = ("marts", "unified", "ops")
# Only these columns may differ between runs: they say which run loaded a file, and when.
RUN_SPECIFIC = {"ops.file_manifest": ("run_id", "loaded_at")}
RELEASE = ("--from", "2016", "--to", "2024", "--format", "both")


@dataclass(frozen=True)
class Runs:
    first: Path
    second: Path
    releases: dict[str, Path]


def _tables(warehouse: Path, out: Path, *options: str) -> None:
    env = {**os.environ, "TIPSTATS_PSEUDONYM_KEY": TEST_KEY}
    command = [str(TIPSTATS), "tables", *RELEASE, "--out", str(out), "--warehouse", str(warehouse)]
    done = subprocess.run(
        [*command, *options], capture_output=True, text=True, env=env, check=False, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("repeat")
    warehouses = []
    for name in ("first", "second"):
        warehouse = root / name / "warehouse.duckdb"
        run = tipstats_run(SAMPLE, warehouse, root / name / "home")
        assert run.code == 0, run.output[-3000:]
        warehouses.append(warehouse)
    first, second = warehouses
    releases = {"first": root / "out-first", "first again": root / "out-again"}
    releases["second"] = root / "out-second"
    for label, warehouse in (("first", first), ("first again", first), ("second", second)):
        _tables(warehouse, releases[label])
    for label, warehouse in (("first", first), ("second", second)):
        _tables(warehouse, releases[label], "--publish")
    return Runs(first, second, releases)


def checksums(warehouse: Path) -> dict[str, tuple[int, str]]:
    """(rows, md5 of the rows' text in sorted order) of every table in the compared schemas.

    A row's text names every column with its value, so sorting by it orders by all columns
    and the hash changes with any value, column name or row count.
    """
    sums: dict[str, tuple[int, str]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE list_contains(?, table_schema) ORDER BY 1",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        for (table,) in tables:
            excluded = RUN_SPECIFIC.get(table)
            columns = f"* EXCLUDE ({', '.join(excluded)})" if excluded else "*"
            row = con.execute(
                "SELECT count(*), md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) "
                f"ORDER BY CAST(t AS VARCHAR)), '')) FROM (SELECT {columns} FROM {table}) t"
            ).fetchone()
            assert row is not None
            sums[table] = (row[0], row[1])
    return sums


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_every_mart_and_unified_table_is_compared(runs: Runs) -> None:
    sums = checksums(runs.first)
    marts = [t for t in sums if t.startswith("marts.")]
    unified = [t for t in sums if t.startswith("unified.")]
    assert "marts.rpt_victims_by_year" in marts
    assert len(marts) >= 20, marts
    assert len(unified) == 6, unified
    assert all(sums[t][0] > 0 for t in ("marts.rpt_victims_by_year", "unified.person_record"))


def test_two_runs_from_scratch_build_identical_tables(runs: Runs) -> None:
    first, second = checksums(runs.first), checksums(runs.second)
    assert first.keys() == second.keys()
    differing = [table for table in first if first[table] != second[table]]
    assert differing == []


def test_run_specific_columns_do_differ(runs: Runs) -> None:
    """The excluded columns are what tells runs apart; nothing else is excluded."""
    query = "SELECT DISTINCT run_id FROM ops.file_manifest"
    run_ids = []
    for warehouse in (runs.first, runs.second):
        with duckdb.connect(str(warehouse), read_only=True) as con:
            run_ids.append({r for (r,) in con.execute(query).fetchall()})
    assert run_ids[0].isdisjoint(run_ids[1])


@pytest.mark.parametrize("other", ["first again", "second"])
def test_tables_are_byte_identical(runs: Runs, other: str) -> None:
    expected = files(runs.releases["first"])
    assert {name for name in expected if name.startswith("public/")}, "no public release"
    assert len([name for name in expected if name.endswith(".xlsx")]) == 8
    actual = files(runs.releases[other])
    if other == "first again":  # the public release is made once per warehouse
        expected = {n: b for n, b in expected.items() if not n.startswith("public/")}
    assert actual.keys() == expected.keys()
    assert [name for name in expected if actual[name] != expected[name]] == []

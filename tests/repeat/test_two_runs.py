"""Two runs from scratch on the same landing zone and key give the same warehouse and tables.

One test, not several sharing a module fixture: under `pytest -n 2` each worker would
build its own pair of warehouses (about four minutes each time).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipelines.reporting.tables import CSV_TABLES, INTERNAL_WORKBOOKS
from tests.checksums import table_checksums
from tests.conftest import TEST_KEY
from tests.pipelines.runner import TIPSTATS, tipstats_run

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).parents[2] / "sample" / "landing"
COMPARED_SCHEMAS = ("marts", "unified", "ops")
# Only these columns may differ between runs: which run loaded a file and when, and when the
# key was first bound to the warehouse (its fingerprint is compared).
RUN_SPECIFIC = {
    "ops.file_manifest": ("run_id", "loaded_at"),
    "ops.key_binding": ("bound_at",),
    "ops.linkage_model": ("linked_at",),
}
RELEASE = ("--from", "2016", "--to", "2024", "--format", "both")


def build_warehouse(root: Path) -> Path:
    warehouse = root / "warehouse.duckdb"
    run = tipstats_run(SAMPLE, warehouse, root / "home")
    assert run.code == 0, run.output[-3000:]
    return warehouse


def write_tables(warehouse: Path, out: Path, *options: str) -> dict[str, bytes]:
    """`tipstats tables` in its own process; every file it wrote, by path under `out`."""
    env = {**os.environ, "TIPSTATS_PSEUDONYM_KEY": TEST_KEY}
    command = [str(TIPSTATS), "tables", *RELEASE, "--out", str(out), "--database", str(warehouse)]
    done = subprocess.run(
        [*command, *options], capture_output=True, text=True, env=env, check=False, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def run_ids(warehouse: Path) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {r for (r,) in con.execute("SELECT run_id FROM ops.file_manifest").fetchall()}


def differing(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    assert actual.keys() == expected.keys()
    return [name for name in expected if actual[name] != expected[name]]


def test_two_runs_from_scratch_give_identical_tables_and_files(tmp_path: Path) -> None:
    first, second = (build_warehouse(tmp_path / name) for name in ("first", "second"))

    sums = table_checksums(first, COMPARED_SCHEMAS, RUN_SPECIFIC)
    assert len([t for t in sums if t.startswith("marts.")]) >= 20, sorted(sums)
    # the six record tables and person_link (who is who)
    assert len([t for t in sums if t.startswith("unified.")]) == 7, sorted(sums)
    assert sums["marts.rpt_victims_by_year"][0] > 0
    assert sums["unified.person_record"][0] > 0
    other = table_checksums(second, COMPARED_SCHEMAS, RUN_SPECIFIC)
    assert other.keys() == sums.keys()
    assert [table for table in sums if other[table] != sums[table]] == []
    # The excluded columns are what tells the runs apart (and all that does).
    assert run_ids(first).isdisjoint(run_ids(second))

    internal = write_tables(first, tmp_path / "out-first")
    # The four standard workbooks and the internal data-quality and assistance workbooks.
    assert len([name for name in internal if name.endswith(".xlsx")]) == 4 + len(INTERNAL_WORKBOOKS)
    assert differing(internal, write_tables(first, tmp_path / "out-again")) == []
    assert differing(internal, write_tables(second, tmp_path / "out-second")) == []

    public = write_tables(first, tmp_path / "public-first", "--publish")
    # Every CSV table and the four workbooks, and beside them the SDMX-CSV files (public/sdmx/).
    assert len([name for name in public if name.count("/") == 1]) == len(CSV_TABLES) + 4
    assert len([name for name in public if name.startswith("public/sdmx/")]) >= 4
    assert differing(public, write_tables(second, tmp_path / "public-second", "--publish")) == []

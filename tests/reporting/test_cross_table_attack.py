"""On a generated world, an attacker who reads only the public files of `tables --publish`
and combines every table (tests/reporting/attacker.py, independent of sdc.py / joint.py)
narrows no hidden count below the rule's width, and no count has two published forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.reporting import sdc, tables
from synthetic import generate_world
from tests.pipelines.runner import tipstats_run
from tests.reporting.attacker import Finding, attack

pytestmark = pytest.mark.slow
YEARS = range(2020, 2023)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("attack")
    generate_world(root / "landing", root / "truth", YEARS, victims_per_year=60, seed=29)
    path = root / "warehouse.duckdb"
    run = tipstats_run(root / "landing", path, root / "home")
    assert run.code == 0, run.output[-3000:]
    return path


@pytest.fixture(scope="module")
def finding(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Finding:
    out = tmp_path_factory.mktemp("release")
    tables.write_tables(warehouse, YEARS[0], YEARS[-1], out, "both", True)
    return attack(out / "public")


def test_no_hidden_count_can_be_narrowed_across_tables(finding: Finding) -> None:
    assert finding.hidden > 100  # the small counts of three years of SDG cubes, at least
    assert finding.narrowed == []


def test_every_count_has_one_published_form(finding: Finding) -> None:
    assert finding.inconsistent == {}


def test_the_attacker_finds_the_leaks_of_a_release_without_secondary_suppression(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same attacker against threshold and rounding alone: it must find something."""

    def primary_only(*args: Any, **kwargs: Any) -> sdc.ProtectedTable:
        kwargs = {k: v for k, v in kwargs.items() if k in ("unpublished", "relations")}
        protected = sdc.suppress_primary(*args, **kwargs)
        return sdc.ProtectedTable(
            table=protected.table,
            dims=protected.dims,
            count_col=protected.count_col,
            policy=protected.policy,
            counts=protected.counts,
            audit=sdc.audit(protected),
            relations=protected.relations,
        )

    monkeypatch.setattr(sdc, "protect", primary_only)
    tables.write_tables(warehouse, YEARS[0], YEARS[-1], tmp_path, "both", True)
    found = attack(tmp_path / "public")
    assert found.narrowed

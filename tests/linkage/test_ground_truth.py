"""The linkage measured on a generated world of more than 5,000 victims, against its truth.

The world has the noise real lists have (synthetic/: typos, transliterations, swapped
names, birth year only, other counties, no CNP for foreigners, wrong check digits).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from synthetic import generate_world
from tests.linkage.groundtruth import (
    cluster_quality,
    labelled_records,
    pairwise_quality,
    true_victims_per_year,
)
from tests.pipelines.runner import tipstats_run

YEARS = range(2016, 2025)
VICTIMS_PER_YEAR = 600  # 9 years: about 5,500 victim identifications


@pytest.fixture(scope="module")
def linked_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("truth-world")
    generate_world(root / "landing", root / "truth", YEARS, VICTIMS_PER_YEAR, seed=41)
    warehouse = root / "warehouse.duckdb"
    run = tipstats_run(root / "landing", warehouse, root / "home")
    assert run.code == 0, run.output[-3000:]
    return warehouse, root / "truth"


@pytest.mark.slow
def test_default_threshold_precision_and_recall(linked_world: tuple[Path, Path]) -> None:
    warehouse, truth = linked_world
    records = labelled_records(warehouse, truth)
    victims = pl.read_csv(truth / "victim_identifications.csv").height
    assert victims >= 5_000
    quality = pairwise_quality(records)
    print(quality)  # per agency pair, for the record (pytest -s)
    overall = quality.filter(pl.col("agency_l") == "all").row(0, named=True)
    assert overall["precision"] >= 0.98, overall
    assert overall["recall"] >= 0.95, overall
    cluster_precision, cluster_recall = cluster_quality(records)
    print(f"cluster precision {cluster_precision:.4f}, recall {cluster_recall:.4f}")
    assert cluster_precision >= 0.95 and cluster_recall >= 0.9


@pytest.mark.slow
def test_victims_of_any_agency_per_year_are_the_true_persons(
    linked_world: tuple[Path, Path],
) -> None:
    warehouse, truth = linked_world
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counted = dict(
            con.execute("SELECT year, any_agency FROM marts.rpt_victims_by_agency_year").fetchall()
        )
    true = true_victims_per_year(warehouse, truth)
    assert set(counted) == set(true)
    for year, persons in true.items():
        assert abs(counted[year] - persons) <= 0.02 * persons, (year, counted[year], persons)

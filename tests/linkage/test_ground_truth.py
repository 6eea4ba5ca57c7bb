"""The linkage measured on a generated world of more than 5,000 victims, against its truth.

The world has the noise real lists have (synthetic/: typos, transliterations, swapped
names, birth year only, other counties, no CNP for foreigners, wrong check digits).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from splink.internals.linker_components.inference import LinkerInference

from pipelines import settings
from pipelines.linkage import link
from pipelines.linkage.link import link_persons
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


def _relinked(warehouse: Path, copy: Path) -> list[tuple[str, str]]:
    """Link a copy of the warehouse again: who is who, by record."""
    copy.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(copy)) as con:
        link_persons(
            con,
            threshold=settings.link_threshold(),
            band=settings.link_review_band(),
            decisions_path=copy.with_suffix(".decisions.csv"),  # none
            memory=settings.linkage_memory(),
        )
        return con.execute(
            "SELECT record_id, person_id FROM unified.person_link ORDER BY record_id"
        ).fetchall()


@pytest.mark.slow
def test_pairs_scored_in_slices_give_the_same_persons(
    linked_world: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse, _ = linked_world
    whole = _relinked(warehouse, tmp_path / "whole.duckdb")
    monkeypatch.setattr(link, "RECORDS_PER_CHUNK", len(whole) // 3 + 1)  # 3 slices a side
    asked: list[dict[str, object]] = []
    predict = LinkerInference.predict

    def recorded(self: LinkerInference, **options: object) -> object:
        asked.append(options)
        return predict(self, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(LinkerInference, "predict", recorded)
    sliced = _relinked(warehouse, tmp_path / "sliced.duckdb")
    assert [(o["num_chunks_left"], o["num_chunks_right"]) for o in asked] == [(3, 3)]
    assert len({person for _, person in whole}) < len(whole)  # some records were linked
    assert sliced == whole

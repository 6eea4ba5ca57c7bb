"""The row-conservation check blocks publication when rows would be lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.defs.ingest.assets import INGEST_ASSETS
from pipelines.defs.ingest.checks import INGEST_CHECKS
from pipelines.defs.resources import LandingResource, WarehouseResource
from pipelines.ingest import stages
from pipelines.ingest.validation import Validated
from sources.registry import AgencySource
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.slow  # Dagster runs of the ingest assets


def anitp_job(landing: Path, warehouse: Path) -> dg.JobDefinition:
    wanted = {"raw_anitp", "validated_anitp", "unified_anitp"}
    assets = [a for a in INGEST_ASSETS if a.key.path[0] in wanted]
    checks = [
        c
        for c in INGEST_CHECKS
        if next(iter(c.check_keys)).asset_key.path[0] in wanted
        and next(iter(c.check_keys)).name == "rows_conserved"
    ]
    defs = dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[
            dg.define_asset_job(
                "anitp_only",
                selection=dg.AssetSelection.assets(*assets),
                executor_def=dg.in_process_executor,
            )
        ],
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "landing": LandingResource(path=str(landing)),
        },
    )
    return defs.resolve_job_def("anitp_only")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing" / "anitp"
    folder.mkdir(parents=True)
    for example in (EXAMPLES / "anitp").iterdir():
        shutil.copy(example, folder)
    return tmp_path / "landing"


def published_rows(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM unified.victim_identification").fetchone()
    assert row is not None  # a count(*) always has its one row
    return int(row[0])


def test_check_passes_and_rows_are_published(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    result = anitp_job(landing, warehouse).execute_in_process(raise_on_error=False)
    evaluations = result.get_asset_check_evaluations()
    assert result.success
    assert [e.passed for e in evaluations] == [True]
    assert published_rows(warehouse) == 5 + 6  # both extracts are kept (vintages)


def test_a_lost_row_fails_the_check_and_blocks_publication(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = stages._mapped

    def losing_one_row(
        agency: AgencySource, validated: Validated
    ) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
        frames, quarantine = real(agency, validated)
        return {name: frame.slice(1) for name, frame in frames.items()}, quarantine

    monkeypatch.setattr(stages, "_mapped", losing_one_row)
    warehouse = tmp_path / "w.duckdb"
    result = anitp_job(landing, warehouse).execute_in_process(raise_on_error=False)
    evaluations = result.get_asset_check_evaluations()
    assert [e.passed for e in evaluations] == [False]
    assert evaluations[0].metadata["files_in_breach"].value == 2
    assert not result.success
    assert published_rows(warehouse) == 0

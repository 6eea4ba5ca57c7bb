"""dbt (dbt-duckdb) models as Dagster assets, downstream of the unified record base."""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines import settings
from pipelines.defs.ingest import WRITER_POOL
from pipelines.defs.resources import WarehouseResource


def _dbt_executable() -> str:
    """The dbt of this virtual environment (dagster-dbt looks it up on PATH otherwise)."""
    return str(Path(sys.executable).with_name("dbt"))


def _newest_source_mtime(project_dir: Path) -> float:
    folders = ("models", "macros", "seeds", "tests")
    files = [p for f in folders for p in (project_dir / f).rglob("*") if p.is_file()]
    files.append(project_dir / "dbt_project.yml")
    return max(p.stat().st_mtime for p in files)


def ensure_manifest(project: DbtProject) -> None:
    """Parse the dbt project when its manifest is missing or older than its sources.

    The manifest is parsed into a scratch folder and moved into place, so a process that
    starts meanwhile never reads half a file.
    """
    manifest = project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(project.project_dir):
        return
    env = {**os.environ, "TIPSTATS_WAREHOUSE": str(settings.warehouse_path())}
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=manifest.parent, prefix=".parse-") as scratch:
        subprocess.run(
            [
                _dbt_executable(),
                "parse",
                "--quiet",
                "--project-dir",
                str(project.project_dir),
                "--profiles-dir",
                str(project.project_dir),
                "--target-path",
                scratch,
                "--log-path",
                scratch,
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        (Path(scratch) / "manifest.json").replace(manifest)


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=settings.DBT_PROJECT_DIR)
    ensure_manifest(project)
    return project


class TipstatsDbtTranslator(DagsterDbtTranslator):
    """dbt models are grouped by their folder (staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


def build_dbt_assets() -> dg.AssetsDefinition:
    project = dbt_project()

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=TipstatsDbtTranslator(),
        pool=WRITER_POOL,
    )
    def tipstats_dbt(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        os.environ["TIPSTATS_WAREHOUSE"] = str(warehouse.resolved_path())
        yield from dbt.cli(["build"], context=context).stream()

    return tipstats_dbt


def dbt_resource() -> DbtCliResource:
    project = dbt_project()
    return DbtCliResource(
        project_dir=project, profiles_dir=str(project.project_dir), dbt_executable=_dbt_executable()
    )

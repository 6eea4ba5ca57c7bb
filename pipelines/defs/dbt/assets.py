"""dbt (dbt-duckdb) models as Dagster assets, downstream of the unified record base."""

import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.defs.dbt.project import dbt_project
from pipelines.defs.dbt.translator import TipstatsDbtTranslator
from pipelines.defs.resources import WRITER_POOL, WarehouseResource

# dbt through `tipstats-dbt` (pipelines/dbt_child.py): killed with the run that started it,
# so an orphaned `dbt build` never keeps the warehouse locked.
DBT_EXECUTABLE = Path(sys.executable).with_name("tipstats-dbt")


@cache
def tipstats_dbt() -> dg.AssetsDefinition:
    """The dbt graph; built once per process (publication depends on all of it)."""
    dbt_project.prepare_if_dev()

    # dbt's profile reads the warehouse from TIPSTATS_WAREHOUSE, like the warehouse resource.
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=TipstatsDbtTranslator(),
        pool=WRITER_POOL,
    )
    def tipstats_dbt(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        # A scratch target per run: dagster-dbt's default keeps ~8 MB per run in target/.
        with warehouse.writing(), tempfile.TemporaryDirectory(prefix="dbt-target-") as target:
            yield from dbt.cli(["build"], context=context, target_path=Path(target)).stream()

    return tipstats_dbt


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[tipstats_dbt()],
        resources={
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE))
        },
    )

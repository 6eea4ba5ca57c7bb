"""dbt (dbt-duckdb) models as Dagster assets, downstream of the unified record base."""

from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.defs.dbt.project import dbt_project
from pipelines.defs.dbt.translator import TipstatsDbtTranslator
from pipelines.defs.resources import WRITER_POOL


@dg.definitions
def defs() -> dg.Definitions:
    dbt_project.prepare_if_dev()

    # dbt's profile reads the warehouse from TIPSTATS_WAREHOUSE, like the warehouse resource.
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=TipstatsDbtTranslator(),
        pool=WRITER_POOL,
    )
    def tipstats_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
        yield from dbt.cli(["build"], context=context).stream()

    return dg.Definitions(
        assets=[tipstats_dbt], resources={"dbt": DbtCliResource(project_dir=dbt_project)}
    )

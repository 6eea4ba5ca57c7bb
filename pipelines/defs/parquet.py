"""The Parquet copy of the unified and mart layers, after every dbt model and test."""

from typing import Any

import dagster as dg

from pipelines import settings
from pipelines.defs.dbt.assets import tipstats_dbt
from pipelines.defs.resources import WRITER_POOL, WarehouseResource
from pipelines.ops import parquet_export

# Below the default (0): in a run, the publication and the standard tables, which stewards
# and report teams wait for, go first; the copy for other engines follows.
AFTER_THE_PUBLICATION = {"dagster/priority": "-1"}


def _parquet_layers(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        name="parquet_layers",
        group_name="publication",
        pool=WRITER_POOL,
        deps=upstream,
        kinds={"parquet"},
        op_tags=AFTER_THE_PUBLICATION,
        description="parquet/ beside the warehouse: unified.* partitioned by agency and "
        "period, marts.* by year; readable by any engine (docs/scale-out.md).",
    )
    def parquet_layers(warehouse: WarehouseResource) -> dg.MaterializeResult[Any]:
        folder = settings.parquet_dir()
        with warehouse.writing():
            written = parquet_export.export(warehouse.resolved_path(), folder)
        return dg.MaterializeResult(metadata={"folder": str(folder), **written})

    return parquet_layers


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[_parquet_layers(list(tipstats_dbt().keys))])

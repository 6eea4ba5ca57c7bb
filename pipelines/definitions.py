"""The tipstats code location: ingestion per agency, then dbt marts."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.dbt import build_dbt_assets, dbt_resource
from pipelines.defs.ingest import INGEST_ASSETS, INGEST_CHECKS, unified_records
from pipelines.defs.resources import LandingResource, WarehouseResource

MAIN_JOB = "tipstats_daily"


def build_definitions() -> dg.Definitions:
    all_assets = [*INGEST_ASSETS, unified_records, build_dbt_assets()]
    daily = dg.define_asset_job(
        MAIN_JOB,
        selection=dg.AssetSelection.all(),
        description="Read new agency files, validate, publish unified records, build the marts.",
        executor_def=dg.in_process_executor,
    )
    return dg.Definitions(
        assets=all_assets,
        asset_checks=INGEST_CHECKS,
        jobs=[daily],
        schedules=[
            dg.ScheduleDefinition(
                job=daily, cron_schedule="0 6 * * *", execution_timezone="Europe/Bucharest"
            )
        ],
        resources={
            "warehouse": WarehouseResource(),
            "landing": LandingResource(),
            "dbt": dbt_resource(),
        },
    )


defs = build_definitions()

"""The daily job: every asset of every area, in one process, at 06:00 in Bucharest."""

import dagster as dg

DAILY_JOB = "tipstats_daily"


@dg.definitions
def defs() -> dg.Definitions:
    daily = dg.define_asset_job(
        DAILY_JOB,
        selection=dg.AssetSelection.all(),
        description="Read new agency files, validate, publish unified records, build the marts.",
        # One process: every step writes the same DuckDB file, one after the other anyway.
        executor_def=dg.in_process_executor,
    )
    return dg.Definitions(
        jobs=[daily],
        schedules=[
            dg.ScheduleDefinition(
                job=daily,
                cron_schedule="0 6 * * *",
                execution_timezone="Europe/Bucharest",
                default_status=dg.DefaultScheduleStatus.RUNNING,
            )
        ],
    )

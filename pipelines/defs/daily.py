"""The daily job: every asset of every area, in one process, at 06:00 in Bucharest."""

import dagster as dg

DAILY_JOB = "tipstats_daily"
# The same selection, each step in its own process (docs/scale-out.md): what a deployment
# with a PostgreSQL instance runs, so the agencies' steps can overlap where the writer pool
# lets them.
PARALLEL_JOB = "tipstats_daily_multiprocess"


@dg.definitions
def defs() -> dg.Definitions:
    daily = dg.define_asset_job(
        DAILY_JOB,
        selection=dg.AssetSelection.all(),
        description="Read new agency files, validate, publish unified records, build the marts.",
        # One process: every step writes the same DuckDB file, one after the other anyway.
        executor_def=dg.in_process_executor,
    )
    parallel = dg.define_asset_job(
        PARALLEL_JOB,
        selection=dg.AssetSelection.all(),
        description="The daily job with the multiprocess executor (a deployment's instance).",
        # forkserver: each step forks from a process that has imported dagster and
        # pipelines.definitions (the module the job comes from), instead of a fresh Python.
        executor_def=dg.multiprocess_executor.configured(
            {"max_concurrent": 2, "start_method": {"forkserver": {}}}
        ),
    )
    return dg.Definitions(
        jobs=[daily, parallel],
        schedules=[
            dg.ScheduleDefinition(
                job=daily,
                cron_schedule="0 6 * * *",
                execution_timezone="Europe/Bucharest",
                default_status=dg.DefaultScheduleStatus.RUNNING,
            )
        ],
    )

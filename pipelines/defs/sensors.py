"""Event-driven operation: a new file runs its agency, a failed run leaves a record.

- `landing_files` watches every agency folder of the landing zone. Each new or changed file
  requests a run of its agency's job (raw -> validated -> unified -> the dbt models that
  depend on them -> publication and standard tables); the run key is the file's SHA-256, so
  the same bytes are never processed twice.
- `report_after_ingest` then requests the annual report (`annual_report_job`), in a run of
  its own, so the tables a new file changes are published without waiting for the report.
- `failure_records` writes `failures/<run id>.txt` beside the warehouse for every failed run:
  what failed, which files, what to do.
All three are on by default, like the daily schedule.
"""

import json

import dagster as dg

from pipelines import settings
from pipelines.defs import publication as publication_assets
from pipelines.ops import failures, publication
from pipelines.ops.landing_watch import scan
from schemas.vocabulary import AGENCIES

FILE_TAG = "tipstats/file"
REPORT = publication_assets.annual_report.key


def ingest_job_name(agency: str) -> str:
    return f"ingest_{agency}"


INGEST_JOBS = [
    dg.define_asset_job(
        ingest_job_name(agency),
        selection=dg.AssetSelection.groups(agency).downstream() - dg.AssetSelection.assets(REPORT),
        description=f"New files from {agency}, then everything that depends on them but the "
        "annual report, which `report_after_ingest` requests next.",
        executor_def=dg.in_process_executor,
    )
    for agency in AGENCIES
]


REPORT_JOB = dg.define_asset_job(
    "annual_report_job",
    selection=dg.AssetSelection.assets(REPORT),
    description="The annual report of the current publication (after an agency's new file).",
    executor_def=dg.in_process_executor,
)


# A tick only lists the landing folders and reads the published file list; a file is taken
# at the first tick that finds it whole (`landing_watch`; the tick waits up to 2 s for one
# changed moments before it to be quiet), so the wait for that tick is most of a
# steward's. The daemon evaluates sensors once a loop, every 5 s, and counts a sensor's
# interval from its last tick's start, a moment into that loop: an interval of 5 s skipped
# every other loop (a tick every 10 s), so the interval is shorter than the loop and the
# loop paces the ticks.
SENSOR_MIN_INTERVAL_SECONDS = 1


@dg.sensor(
    jobs=INGEST_JOBS,
    minimum_interval_seconds=SENSOR_MIN_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A file landing in <landing>/<agency>/ runs that agency and what depends on it.",
)
def landing_files(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    cursor = json.loads(context.cursor) if context.cursor else {}
    known = publication.published_file_ids(settings.published_dir())
    arrivals, cursor = scan(settings.landing_path(), AGENCIES, cursor, published=known)
    requests = [
        dg.RunRequest(
            run_key=arrival.sha256,
            job_name=ingest_job_name(arrival.agency),
            tags={FILE_TAG: f"{arrival.agency}/{arrival.path.name}"},
        )
        for arrival in arrivals
    ]
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(cursor, sort_keys=True))


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=INGEST_JOBS,
    request_job=REPORT_JOB,
    minimum_interval_seconds=SENSOR_MIN_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After an agency's run succeeded: the annual report of what it published.",
)
def report_after_ingest(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    return dg.RunRequest(run_key=context.dagster_run.run_id)


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    monitor_all_code_locations=False,
    description="Writes failures/<run id>.txt beside the warehouse: what failed, which file, "
    "what to do.",
)
def failure_records(context: dg.RunFailureSensorContext) -> None:
    run = context.dagster_run
    steps = [failures.step_failure(event) for event in context.get_step_failure_events()] or [
        failures.StepFailure("run", context.failure_event.message or "the run failed")
    ]
    files = [run.tags[FILE_TAG]] if FILE_TAG in run.tags else []
    folder = settings.warehouse_path().parent / "failures"
    path = failures.write_record(folder, run.run_id, run.job_name, steps, files)
    context.log.info(f"failure record written to {path}")


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        jobs=[*INGEST_JOBS, REPORT_JOB],
        sensors=[landing_files, report_after_ingest, failure_records],
    )

"""Run the whole pipeline in-process (what `tipstats run` and `make run` do)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import sys
from contextlib import closing
from dataclasses import dataclass

import dagster as dg

from pipelines import settings
from pipelines.ops import failures, preflight, publication, up_to_date
from pipelines.ops.keyguard import bind_key
from pipelines.ops.lock import writer_lock
from pipelines.summary import summarise

DBT_LINES_ON_FAILURE = 40
# Marks the runs `tipstats run` executes in-process, which hold the writer lock throughout.
STARTED_BY_TAG = "tipstats/started_by"
STARTED_BY = "tipstats run"
_UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


@dataclass(frozen=True)
class RunOutcome:
    success: bool
    run_id: str | None  # None: nothing to do, no run started
    report: str


def _instance() -> dg.DagsterInstance:
    """The project's persistent instance, so the UI shows every run however it started."""
    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(settings.PROJECT_ROOT / "dagster.yaml", config)
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


def release_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the unfinished runs of `tipstats run` and free their writer-pool slots.

    Call with the writer lock held: such a run held it until its process ended, so one
    still unfinished now was killed (SIGKILL skips all clean-up). Its slot in the pool
    `duckdb_writer` (limit 1) would otherwise make every later run wait for ever.
    """
    dead = instance.get_runs(
        filters=dg.RunsFilter(statuses=_UNFINISHED, tags={STARTED_BY_TAG: STARTED_BY})
    )
    for run in dead:
        instance.report_run_failed(run, "its process ended without finishing the run (killed?)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        logging.getLogger(__name__).warning(
            "run %s had been killed; marked failed and its writer slot freed", run.run_id[:8]
        )
    return [run.run_id for run in dead]


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    failed = []
    for event in result.get_asset_check_evaluations():
        if not event.passed:
            failed.append(f"{event.asset_key.to_user_string()} {event.check_name}")
    return failed


def _published_line(success: bool) -> str:
    try:
        current = publication.as_of(settings.published_dir(), None)
    except publication.NoPublicationError:
        return "nothing published yet"
    state = "published" if success else "the run failed; still published from an earlier run"
    return f"{state}: {current.path} (built {current.built_at:%Y-%m-%d %H:%M:%S} UTC)"


def run_pipeline(verbose: bool = False, force: bool = False) -> RunOutcome:
    """Run the daily job in-process, as the warehouse's only writer and with its bound key;
    unless `force`, only when there is something to do (`up_to_date`)."""
    warehouse = settings.warehouse_path()
    with writer_lock(warehouse):
        key = preflight.key()
        with closing(preflight.open_for_writing(warehouse)) as con:
            bind_key(con, key)
        landing, published = settings.landing_path(), settings.published_dir()
        current = None if force else up_to_date.nothing_new(warehouse, landing, published)
        if current is None:
            return _execute(verbose)
        # What every run does first, also when it stops here: a killed run's slot is freed.
        with _instance() as instance:
            release_dead_runs(instance)
        return RunOutcome(True, None, current)


def _execute(verbose: bool) -> RunOutcome:
    from pipelines.definitions import defs
    from pipelines.defs.daily import DAILY_JOB

    # Without --verbose the console stays quiet: a failed step is summed up in one line
    # below, its stack trace is in the run's log (Dagster UI).
    level = "DEBUG" if verbose else "CRITICAL"
    if not verbose:
        for name in ("dagster", "dagster_dbt"):
            logging.getLogger(name).setLevel(logging.ERROR)
    job = defs().resolve_job_def(DAILY_JOB)
    run_config = {"loggers": {"console": {"config": {"log_level": level}}}}
    # dagster-dbt echoes every dbt log line to stdout; keep it for when something fails.
    captured = io.StringIO()
    with _instance() as instance, contextlib.redirect_stdout(sys.stdout if verbose else captured):
        release_dead_runs(instance)
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=run_config,
            tags={STARTED_BY_TAG: STARTED_BY},
        )
    failed_checks = _failed_checks(result)
    summary = summarise(settings.warehouse_path(), result.run_id, settings.landing_path())
    failed_steps = [failures.step_failure(e) for e in result.get_step_failure_events()]
    report = summary.render(failed_checks)
    if failed_steps:
        tail = captured.getvalue().splitlines()[-DBT_LINES_ON_FAILURE:]
        record = failures.write_record(
            settings.warehouse_path().parent / "failures", result.run_id, job.name, failed_steps, []
        )
        steps = [f"FAILED step: {f.step}: {f.message}" for f in failed_steps]
        report += "\n" + "\n".join([*tail, *steps, f"what failed and what to do: {record}"])
    report += f"\nworking warehouse (the pipeline's own): {settings.warehouse_path()}"
    report += "\n" + _published_line(result.success and not failed_checks)
    return RunOutcome(result.success and not failed_checks, result.run_id, report)

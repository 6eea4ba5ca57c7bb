"""Run the whole pipeline in-process (what `tipstats run` and `make run` do)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from dataclasses import dataclass

import dagster as dg

from pipelines import settings
from pipelines.summary import summarise

DBT_LINES_ON_FAILURE = 40


@dataclass(frozen=True)
class RunOutcome:
    success: bool
    run_id: str
    report: str


def _instance() -> dg.DagsterInstance:
    """The configured instance when DAGSTER_HOME is set; else a throw-away one."""
    return (
        dg.DagsterInstance.get()
        if os.environ.get("DAGSTER_HOME")
        else dg.DagsterInstance.ephemeral()
    )


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    failures = []
    for event in result.get_asset_check_evaluations():
        if not event.passed:
            failures.append(f"{event.asset_key.to_user_string()} {event.check_name}")
    return failures


def run_pipeline(verbose: bool = False) -> RunOutcome:
    """Run the daily job; the settings are already pinned (settings.export_environment)."""
    from pipelines.definitions import defs
    from pipelines.defs.daily import DAILY_JOB
    from pipelines.defs.dbt.project import prepare_if_missing

    prepare_if_missing()
    level = "DEBUG" if verbose else "ERROR"
    if not verbose:
        for name in ("dagster", "dagster_dbt"):
            logging.getLogger(name).setLevel(logging.ERROR)
    job = defs().resolve_job_def(DAILY_JOB)
    run_config = {"loggers": {"console": {"config": {"log_level": level}}}}
    # dagster-dbt echoes every dbt log line to stdout; keep it for when something fails.
    captured = io.StringIO()
    with _instance() as instance, contextlib.redirect_stdout(sys.stdout if verbose else captured):
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, run_config=run_config
        )
    failures = _failed_checks(result)
    summary = summarise(settings.warehouse_path(), result.run_id, settings.landing_path())
    failed_steps = [
        e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE" and e.step_key
    ]
    report = summary.render(failures)
    if failed_steps:
        tail = captured.getvalue().splitlines()[-DBT_LINES_ON_FAILURE:]
        report += "\n" + "\n".join([*tail, *(f"FAILED step: {step}" for step in failed_steps)])
    report += f"\nwarehouse: {settings.warehouse_path()}"
    return RunOutcome(result.success and not failures, result.run_id, report)

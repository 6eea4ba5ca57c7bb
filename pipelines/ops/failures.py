"""A readable record of a failed run: what failed, which files, what to do next."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import dagster as dg

QUARANTINE = "Export the quarantine (`tipstats quarantine --agency {agency} --out q.csv`), "


def advice(step: str) -> str:
    """What a steward does next, by the kind of step that failed."""
    agency = step.split("_", 1)[-1].split(".", 1)[0]
    if "rows_conserved" in step:
        return (
            "A row was lost between reading and the unified tables: a pipeline defect, not a "
            "data problem. Nothing was published; report this record."
        )
    if step.startswith("raw_"):
        return (
            "A file could not be read. " + QUARANTINE.format(agency=agency) + "ask the agency "
            "for a corrected extract and drop it into the landing folder."
        )
    if step.startswith("validated_"):
        return (
            "Rows could not be validated. " + QUARANTINE.format(agency=agency) + "and fix or "
            "re-send the extract."
        )
    if step.startswith("unified__person_link"):
        return (
            "The linkage stopped; nothing was published. Its reason above names what to fix: "
            "a linkage setting, the reviewers' decision file, or the scratch disk."
        )
    if step.startswith("unified"):
        return (
            "Validated rows could not be moved into the unified tables; nothing was published. "
            "Unless the reason above names a file or setting to fix, report this record."
        )
    if step.startswith(("published_database", "standard_tables", "annual_report")):
        return (
            "Publication was stopped (disclosure audit or copy failed); the previous "
            "publication stays. Read the step's error in the run log."
        )
    return (
        "A dbt model or test failed, so nothing was published. Open the run in the Dagster UI "
        "and read the failing model's or test's output."
    )


@dataclass(frozen=True)
class StepFailure:
    step: str
    message: str


class ErrorInfo(Protocol):
    """What Dagster keeps of an exception (its SerializableErrorInfo)."""

    @property
    def message(self) -> str: ...
    @property
    def cls_name(self) -> str | None: ...
    @property
    def cause(self) -> ErrorInfo | None: ...


# Dagster's wrapper around whatever a step raised; the step's own error is its cause.
_STEP_WRAPPER = "DagsterExecutionStepExecutionError"
# dagster-dbt's error for a failed dbt command: "The dbt CLI process with command ...", then
# what dbt itself said after this line, one error a paragraph.
_DBT_FAILED = "DagsterDbtCliRuntimeError"
_DBT_SAID = "Errors parsed from dbt logs:"
_PROGRESS = re.compile(r"\d+ of \d+ ")


def reason(error: ErrorInfo | None) -> str:
    """The first line of what a step raised, without Dagster's wrapper or the error's
    module path: 'the linkage needs more scratch than 2GB of memory and ...'."""
    if error is None:
        return "the step failed without an error message"
    if error.cls_name == _STEP_WRAPPER and error.cause is not None:
        error = error.cause
    if error.cls_name == _DBT_FAILED and _DBT_SAID in error.message:
        return _dbt_reason(error.message)
    lines = error.message.strip().splitlines()
    first = lines[0] if lines else error.cls_name or "unknown error"
    prefix = f"{error.cls_name}: "
    return first.split(prefix, 1)[1] if prefix in first else first


def _dbt_reason(message: str) -> str:
    """dbt's error in one line: 'dbt: Runtime Error in model dim_county (...): Constraint
    Error: NOT NULL constraint failed: ...' (the first that names an error, else the first
    failure: 'Failure in test ...: Got 3 results, ...'), without progress lines such as '80
    of 160 ERROR creating ...' or the compiled code's path."""
    paragraphs = message.split(_DBT_SAID, 1)[1].split("\n\n")
    told = [line for p in paragraphs if not _PROGRESS.match(p.strip()) and (line := _one_line(p))]
    best = next((p for p in told if "Error" in p), told[0] if told else "dbt failed")
    return f"dbt: {best}"


def _one_line(paragraph: str) -> str:
    lines = (line.strip() for line in paragraph.splitlines())
    return ": ".join(line for line in lines if line and not line.startswith("compiled code"))


def render(run_id: str, job: str, failures: list[StepFailure], files: list[str]) -> str:
    lines = [
        f"tipstats run {run_id} (job {job}) failed; recorded {datetime.now(UTC):%Y-%m-%d %H:%M}",
        "",
        "what failed:",
        *(
            f"  - {f.step}: {f.message.strip().splitlines()[0] if f.message.strip() else '-'}"
            for f in failures
        ),
        "",
        "files of this run: " + (", ".join(files) if files else "(all new files of the job)"),
        "",
        "what to do (the previous publication stays in place):",
        *dict.fromkeys(f"  - {advice(f.step)}" for f in failures),
    ]
    return "\n".join(lines) + "\n"


def write_record(
    folder: Path, run_id: str, job: str, failures: list[StepFailure], files: list[str]
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run_id}.txt"
    scratch = path.with_suffix(".tmp")
    scratch.write_text(render(run_id, job, failures, files), encoding="utf-8")
    scratch.replace(path)
    return path


def step_failure(event: dg.DagsterEvent) -> StepFailure:
    """A STEP_FAILURE event as a steward reads it: the step and its reason."""
    data = event.step_failure_data if event.event_specific_data else None
    # dagster leaves the error out for some framework failures
    return StepFailure(event.step_key or "run", reason(data.error if data else None))

"""A failed run leaves a record a steward can act on."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.ops.failures import StepFailure, advice, reason, write_record
from tests.conftest import EXAMPLES
from tests.pipelines.runner import tipstats_run


@dataclass(frozen=True)
class Error:  # the shape of Dagster's SerializableErrorInfo
    message: str
    cls_name: str | None
    cause: Error | None = None


@pytest.mark.parametrize(
    ("step", "fragment"),
    [
        ("raw_politie", "tipstats quarantine --agency politie"),
        ("validated_anitp", "tipstats quarantine --agency anitp"),
        ("validated_anitp.rows_conserved", "pipeline defect"),
        ("unified__person_link", "decision file, or the scratch disk"),
        ("unified_politie", "unified tables"),
        ("published_database", "previous publication stays"),
        ("tipstats_dbt", "dbt model or test failed"),
    ],
)
def test_advice_fits_the_step(step: str, fragment: str) -> None:
    assert fragment in advice(step)


def test_record_names_what_failed_and_the_files(tmp_path: Path) -> None:
    path = write_record(
        tmp_path / "failures",
        "abc123",
        "ingest_politie",
        [StepFailure("raw_politie", "UnreadableFileError: truncated\nmore detail")],
        ["politie_2024_20250110.csv"],
    )
    text = path.read_text()
    assert path.name == "abc123.txt"
    assert "raw_politie: UnreadableFileError: truncated" in text
    assert "more detail" not in text
    assert "politie_2024_20250110.csv" in text
    assert "tipstats quarantine --agency politie" in text


def test_reason_is_the_steps_own_error_in_one_line() -> None:
    duckdb_error = Error(
        "_duckdb.OutOfMemoryException: Out of Memory Error: 33 GiB\n\nhints", "OutOfMemoryException"
    )
    own = Error(
        "pipelines.linkage.link.LinkageScratchError: the linkage needs more scratch\n",
        "LinkageScratchError",
        duckdb_error,
    )
    wrapped = Error(
        "dagster._core.errors.DagsterExecutionStepExecutionError: "
        'Error occurred while executing op "x":\n',
        "DagsterExecutionStepExecutionError",
        own,
    )
    assert reason(wrapped) == "the linkage needs more scratch"
    failure = Error(
        "dagster._core.definitions.events.Failure: release blocked by disclosure control: 3 cells",
        "Failure",
    )
    assert reason(failure) == "release blocked by disclosure control: 3 cells"
    said = "dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process with command\n\n"
    said += "`dbt build`\n\nfailed with exit code `1`. Check the stdout ...\n\n"
    said += "Errors parsed from dbt logs:\n\n"
    said += "80 of 160 ERROR creating sql table model marts.dim_county ..... [ERROR in 0.04s]\n\n"
    model = "Failure in model dim_county (models/marts/core/dim_county.sql)\n\n"
    model += "  Runtime Error in model dim_county (models/marts/core/dim_county.sql)\n"
    model += "  Constraint Error: NOT NULL constraint failed: dim_county__dbt_tmp.county_code\n"
    model += "  compiled code at target/run/tipstats/models/marts/core/dim_county.sql\n\n"
    test = "Failure in test unique_fct_case_case_key (models/marts/core/_core__models.yml)\n"
    test += "  Got 2 results, configured to fail if != 0\n\n  compiled code at target/x.sql\n"
    dbt_model, dbt_test = (
        Error(said + text, "DagsterDbtCliRuntimeError") for text in (model, test)
    )
    assert reason(dbt_model) == (
        "dbt: Runtime Error in model dim_county (models/marts/core/dim_county.sql): "
        "Constraint Error: NOT NULL constraint failed: dim_county__dbt_tmp.county_code"
    )
    assert reason(dbt_test) == (
        "dbt: Failure in test unique_fct_case_case_key (models/marts/core/_core__models.yml): "
        "Got 2 results, configured to fail if != 0"
    )
    assert reason(Error("", "ValueError")) == "ValueError"
    assert reason(None) == "the step failed without an error message"


@pytest.mark.slow
def test_a_failed_run_says_which_step_and_why_in_one_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "landing")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("pair,verdict\nx,match\n")  # not the reviewers' columns
    monkeypatch.setenv("TIPSTATS_LINK_DECISIONS", str(decisions))
    run = tipstats_run(tmp_path / "landing", tmp_path / "w.duckdb", tmp_path, verbose=False)
    assert run.code == 1
    failed = [line for line in run.output.splitlines() if line.startswith("FAILED")]
    assert failed == [
        f"FAILED step: unified__person_link: linkage: {decisions}: missing column(s) decision, "
        "pair_id; fix or remove the file and run again"
    ]
    assert 'File "' not in run.output  # no stack trace: that is in the run's log
    (record,) = (tmp_path / "failures").iterdir()
    assert f"what failed and what to do: {record}" in run.output
    assert "fix or remove the file" in record.read_text()

"""A failed run leaves a record a steward can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ops.failures import StepFailure, advice, write_record


@pytest.mark.parametrize(
    ("step", "fragment"),
    [
        ("raw_politie", "tipstats quarantine --agency politie"),
        ("validated_anitp", "tipstats quarantine --agency anitp"),
        ("validated_anitp.rows_conserved", "pipeline defect"),
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

"""An agency's mapped files are checked against the unified models a batch at a time, and a
batch never joins what must stay apart (the warehouse it gives: test_stages_threads.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest import stages
from pipelines.ingest.validation import empty_quarantine
from sources.common.landing import LandingFile


def _file(name: str) -> LandingFile:
    return LandingFile("anitp", Path(name), "2020", dt.date(2021, 1, 10), "0" * 64, 1)


def _mapped(rows: int) -> stages.Checked:
    return {"person_record": pl.DataFrame({"source_row": range(rows)})}, empty_quarantine()


def _names(batches: list[object]) -> list[list[str] | str]:
    return [
        [file.file_name for file, _ in batch] if isinstance(batch, list) else batch[0].file_name
        for batch in batches
    ]


def test_a_batch_ends_at_a_rejected_file_a_repeated_stem_and_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stages, "UNIFIED_CHECK_ROWS", 100)
    checked = [
        (_file("a_2020_20210110.csv"), _mapped(10)),
        (_file("b_2020_20210110.csv"), _mapped(10)),
        (_file("c_2020_20210110.csv"), "could not be validated: unexpected KeyError"),
        (_file("d_2020_20210110.csv"), _mapped(10)),
        (_file("d_2020_20210110.xlsx"), _mapped(10)),  # the same record ids as the .csv
        (_file("e_2020_20210110.csv"), _mapped(95)),  # 105 rows with the .xlsx: the bound
        (_file("f_2020_20210110.csv"), _mapped(10)),
    ]
    assert _names(list(stages._batches(checked))) == [
        ["a_2020_20210110.csv", "b_2020_20210110.csv"],
        "c_2020_20210110.csv",
        ["d_2020_20210110.csv"],
        ["d_2020_20210110.xlsx", "e_2020_20210110.csv"],
        ["f_2020_20210110.csv"],
    ]

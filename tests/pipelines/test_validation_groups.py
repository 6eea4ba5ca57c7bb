"""An agency's files are validated a group at a time, and a group never joins what must stay
apart (the warehouse it gives: test_stages_threads.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.ingest import stages
from sources.common.landing import LandingFile


def _file(name: str) -> LandingFile:
    return LandingFile("anitp", Path(name), "2020", dt.date(2021, 1, 10), "0" * 64, 1)


def test_a_group_ends_before_a_repeated_stem_and_past_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stages, "CHECK_TOGETHER_ROWS", 100)
    files = {
        "a_2020_20210110.csv": 10,
        "b_2020_20210110.csv": 10,
        "d_2020_20210110.csv": 10,
        "d_2020_20210110.xlsx": 10,  # the same record ids as the .csv
        "e_2020_20210110.csv": 90,  # 100 rows with the .xlsx: still one group
        "f_2020_20210110.csv": 10,  # 110 rows: a new group
        "g_2020_20210110.csv": 150,  # more than a group's rows: alone
        "h_2020_20210110.csv": 10,
    }
    groups = stages._groups([_file(name) for name in files], list(files.values()))
    assert [[file.file_name for file in group] for group in groups] == [
        ["a_2020_20210110.csv", "b_2020_20210110.csv", "d_2020_20210110.csv"],
        ["d_2020_20210110.xlsx", "e_2020_20210110.csv"],
        ["f_2020_20210110.csv"],
        ["g_2020_20210110.csv"],
        ["h_2020_20210110.csv"],
    ]

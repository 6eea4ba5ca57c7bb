"""The (2, 85%) dominance rule on amounts made by hand."""

from __future__ import annotations

import polars as pl

from pipelines.reporting import joint
from pipelines.reporting.dominance import HIDDEN, dominated, published_amount
from pipelines.reporting.publish import criminal_justice_by_year


def shown(total: float | None, largest: float | None, second: float | None) -> str | None:
    frame = pl.DataFrame(
        {"total": [total], "largest": [largest], "second": [second]},
        schema={"total": pl.Float64, "largest": pl.Float64, "second": pl.Float64},
    )
    rule = dominated(pl.col("total"), pl.col("largest"), pl.col("second"))
    value: str | None = frame.select(published_amount(pl.col("total"), rule)).item()
    return value


def test_two_files_making_most_of_the_sum_hide_it() -> None:
    # 900 + 50 of 1,000 = 95% > 85%: hidden, and marked.
    assert shown(1000.0, 900.0, 50.0) == HIDDEN


def test_a_sum_spread_over_many_files_is_published() -> None:
    # Ten files of 100: the two largest make 20%.
    assert shown(1000.0, 100.0, 100.0) == "1000.0"


def test_the_threshold_itself_is_published() -> None:
    # 600 + 250 = 850 of 1,000: exactly 85%, not more.
    assert shown(1000.0, 600.0, 250.0) == "1000.0"
    assert shown(1000.0, 600.0, 251.0) == HIDDEN


def test_one_or_two_files_always_dominate() -> None:
    assert shown(700.0, 500.0, 200.0) == HIDDEN
    assert shown(500.0, 500.0, None) == HIDDEN


def test_zero_is_published_and_unknown_stays_empty() -> None:
    assert shown(0.0, None, None) == "0.0"
    assert shown(None, None, None) is None


def test_public_justice_table_hides_dominated_amounts_with_a_marker() -> None:
    counts = {
        "police_cases_registered": [50],
        "persons_suspected": [60],
        "persons_sent_to_court": [40],
        "persons_convicted_first_instance": [30],
        "persons_convicted_final": [25],
        "custodial_sentences": [15],
        "suspended_sentences": [10],
    }
    frame = pl.DataFrame(
        {"year": [2021], **counts, "confiscation_lei": [1000.0], "damages_lei": [1000.0]}
    )
    concentration = pl.DataFrame(
        {
            "year": [2021, 2021],
            "amount": ["confiscation_lei", "damages_lei"],
            "total_lei": [1000.0, 1000.0],
            "court_files": [2, 10],
            "largest_lei": [900.0, 100.0],
            "second_largest_lei": [100.0, 100.0],
        }
    )
    release = joint.protect({"criminal_justice_by_year": frame}, [2021])
    public = criminal_justice_by_year(frame, release, concentration)
    # Confiscation: two files make all of it. Damages: ten files of 100, the top two 20%.
    assert public.select("confiscation_lei", "damages_lei").row(0) == (HIDDEN, "1000.0")
    assert public["persons_convicted_final"].item() == "25"

"""Kaplan-Meier medians of case durations, against values worked out by hand."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.reporting import joint
from pipelines.reporting.publish import case_durations
from pipelines.reporting.queries import km_median


def test_censored_cases_stay_in_the_risk_set() -> None:
    days = np.array([2, 3, 4, 5, 6, 8])
    reached = np.array([True, False, True, True, False, True])
    # By hand: S(2) = 5/6; 3 censored; S(4) = 5/6 * 3/4 = 0.625; S(5) = 0.625 * 2/3 = 0.417,
    # the first value below 0.5. Dropping the open cases would give median(2, 4, 5, 8) = 4.5.
    assert km_median(days, reached) == 5.0


def test_median_not_reached_while_half_the_cases_are_open() -> None:
    # S(10) = 2/3 and nothing falls after: the curve never goes below 0.5.
    assert km_median(np.array([10, 20, 30]), np.array([True, False, False])) is None


def test_no_case_reached_the_stage() -> None:
    assert km_median(np.array([10, 20]), np.array([False, False])) is None


def test_public_share_and_median_are_marked_with_the_counts_they_disclose() -> None:
    frame = pl.DataFrame(
        {
            "registration_year": [2016, 2017],
            "transition": ["police_to_indictment"] * 2,
            "cases": [11, 4],
            "still_open": [2, 0],
            "share_still_open": [2 / 11, 0.0],
            "median_days": [127.0, 80.0],
        }
    )
    release = joint.protect({"case_durations": frame}, [2016, 2017])
    public = case_durations(frame, release).sort("registration_year")
    # 2016: 11 cases round to 10, 2 open are <10; share x cases would give the 2 back.
    assert public.row(0)[2:] == ("10", "<10", "[c]", "127.0")
    # 2017: 4 cases: the median of 4 cases and their share are hidden with them.
    assert public.row(1)[2:] == ("<10", "0", "[c]", "[c]")

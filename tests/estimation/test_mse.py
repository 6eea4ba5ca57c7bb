"""Multiple systems estimation against answers known without this code: published
estimates, closed forms, and tables built from a known population."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pytest
from scipy.stats import bootstrap

from pipelines.estimation.capture import DegenerateTableError, check_informative
from pipelines.estimation.models import Designs, Fit, fit, problem
from pipelines.estimation.mse import (
    BATCH,
    EstimationError,
    Options,
    _bootstrap_draws,
    bca_interval,
    estimate,
)
from pipelines.estimation.selection import enumerate_hierarchical
from tests.estimation.tables import log_linear, public, table

A_B, A_C, B_C = (0, 1), (0, 2), (1, 2)


def test_uk_stepwise_is_within_the_home_office_range() -> None:
    # Home Office (2014, Silverman): between 10,000 and 13,000 potential victims
    result = estimate(public("UKdat"), Options(method="stepwise", p_threshold=0.02))
    assert result.observed == 2744
    assert 10_000 <= result.estimate <= 13_000


def test_kosovo_by_bic_over_all_hierarchical_models_matches_ball_et_al() -> None:
    # Ball et al. (2002), Killings and refugee flow in Kosovo: 10,356 (9,002-12,122)
    result = estimate(public("Kosovo"), Options(method="bic", max_order=4))
    assert result.estimate == pytest.approx(10_356, rel=0.01)
    assert result.interval[0] == pytest.approx(9_002, rel=0.02)
    assert result.interval[1] == pytest.approx(12_122, rel=0.02)


@pytest.mark.parametrize("method", ["main", "stepwise", "bic"])
def test_two_lists_give_lincoln_petersen(method: str) -> None:
    # n1 = 60, n2 = 50, both = 20: N = n1 * n2 / m = 150 exactly
    result = estimate(table("AB", {"10": 40, "01": 30, "11": 20}), Options(method=method))  # type: ignore[arg-type]
    assert result.estimate == pytest.approx(150, rel=1e-6)
    assert result.observed == 90
    assert result.hidden == pytest.approx(60, rel=1e-6)
    assert result.terms == ()


def test_saturated_three_list_model_has_the_closed_form() -> None:
    # with all two-list interactions, m000 = m100 m010 m001 m111 / (m110 m101 m011)
    cells = {"100": 50, "010": 40, "001": 30, "110": 12, "101": 9, "011": 6, "111": 4}
    data = table("ABC", cells)
    result = fit(Designs(3), data.counts, (A_B, A_C, B_C))
    assert result.hidden == pytest.approx(50 * 40 * 30 * 4 / (12 * 9 * 6), rel=1e-6)


@pytest.mark.parametrize("method", ["main", "stepwise", "bic"])
def test_independent_lists_recover_a_known_population(method: str) -> None:
    data = log_linear("ABCD", 20_000, [0.4, 0.25, 0.1, 0.3], pair_odds=1.0)
    result = estimate(data, Options(method=method))  # type: ignore[arg-type]
    assert result.terms == ()
    assert result.estimate == pytest.approx(20_000, rel=0.01)


@pytest.mark.parametrize("method", ["stepwise", "bic"])
def test_an_association_between_two_lists_is_found_and_corrected(method: str) -> None:
    data = log_linear("ABCD", 20_000, [0.4, 0.25, 0.1, 0.3], pair_odds=4.0)
    main = estimate(data, Options(method="main"))
    result = estimate(data, Options(method=method))  # type: ignore[arg-type]
    assert result.terms == ("A:B",)
    assert result.estimate == pytest.approx(20_000, rel=0.01)
    assert abs(main.estimate - 20_000) > 0.05 * 20_000  # ignoring it misleads


def test_a_high_threshold_admits_more_interactions_than_a_low_one() -> None:
    strict = estimate(public("UKdat"), Options(method="stepwise", p_threshold=1e-6))
    loose = estimate(public("UKdat"), Options(method="stepwise", p_threshold=0.2))
    assert set(strict.terms) < set(loose.terms)


def test_sparsemse_examples_of_existence_and_identifiability() -> None:
    # SparseMSE's checkident examples on Artificial_3: all pairs not identifiable,
    # A:B alone without an estimate, A:C with B:C fine
    counts = public("Artificial_3").counts
    designs = Designs(3)
    assert problem(designs, counts, (A_B, A_C, B_C)) == "is not identifiable"
    assert problem(designs, counts, (A_B,)) == "has no maximum-likelihood estimate"
    assert problem(designs, counts, (A_C, B_C)) is None


def test_a_zero_cell_leaves_the_saturated_model_without_estimate() -> None:
    # Korea's history 011 has no case: the saturated fit would put it at zero, log -inf
    assert problem(Designs(3), public("Korea").counts, (A_B, A_C, B_C)) == (
        "has no maximum-likelihood estimate"
    )


def test_a_pair_without_common_cases_is_fitted_as_structural_zeros() -> None:
    data = public("Artificial_3")
    result = fit(Designs(3), data.counts, (A_C, B_C))
    assert result.empty == (A_C, B_C)
    histories = data.histories[result.rows]
    assert not np.any(histories[:, 2] & (histories[:, 0] | histories[:, 1]))
    assert result.n_params == 4 + 2  # intercept, three lists, two empty pairs


def test_the_degenerate_table_is_refused_with_the_reason() -> None:
    with pytest.raises(EstimationError, match="list C has no case in common"):
        estimate(public("Artificial_3"), Options(method="stepwise"))


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"10": 5, "01": 0}, "list B has no case"),
        ({"10": 5, "11": 3}, "list A holds every case"),
        ({"10": 5, "01": 4}, "no case in common"),
    ],
)
def test_uninformative_lists(cells: dict[str, int], reason: str) -> None:
    with pytest.raises(DegenerateTableError, match=reason):
        check_informative(table("AB", cells))


def test_hierarchical_models_are_counted_right() -> None:
    # three lists, pairs only: 2^3 sets of pairs; four lists up to triples: 2^6 pair sets
    # plus, for each triple, the sets holding its three pairs (Kosovo's search space)
    assert len(enumerate_hierarchical(3, 2, 10_000) or []) == 8
    four = enumerate_hierarchical(4, 3, 10_000) or []
    assert len(four) == 113  # counted by hand: 64 + 32 + 12 + 4 + 1
    assert all(
        all(pair in model for pair in [(0, 1), (0, 2), (1, 2)])
        for model in four
        if (0, 1, 2) in model
    )
    assert enumerate_hierarchical(6, 2, 1024) is None


def test_bootstrap_interval_is_reproducible_and_covers_the_estimate() -> None:
    data = table("ABC", {"100": 50, "010": 40, "001": 30, "110": 12, "101": 9, "011": 6, "111": 4})
    options = Options(method="stepwise", replicates=200, seed=7)
    first = estimate(data, options)
    again = estimate(data, options)
    other = estimate(data, Options(method="stepwise", replicates=200, seed=8))
    assert first.interval == again.interval
    assert first.interval != other.interval
    low, high = first.interval
    assert first.observed < low < first.estimate < high
    assert math.isfinite(high)


def _scipys_bootstrap(
    cases: np.ndarray,
    statistic: Callable[..., np.ndarray],
    replicates: int,
    seed: int,
    method: Literal["percentile", "BCa"],
) -> Any:
    """scipy.stats.bootstrap on the cases, vectorised in batches of BATCH as ours."""
    return bootstrap(
        (cases,),
        statistic,
        n_resamples=replicates,
        batch=BATCH,
        vectorized=True,
        method=method,
        rng=np.random.default_rng(seed),
    )


@pytest.mark.parametrize(
    "cells",
    [
        {"100": 50, "010": 40, "001": 30, "110": 12, "101": 9, "011": 6, "111": 4},
        {"100": 9, "010": 7, "001": 5, "110": 2, "101": 1, "011": 1, "111": 0},
    ],
)
def test_bca_interval_is_scipys_bca_on_the_same_resamples(cells: dict[str, int]) -> None:
    data = table("ABC", cells)

    def main_effects(counts: np.ndarray) -> Fit:
        return fit(Designs(3), counts, ())

    def total(sample: np.ndarray, axis: int = -1) -> np.ndarray:
        counts = np.apply_along_axis(np.bincount, -1, sample, minlength=len(data.counts))
        flat = counts.reshape(-1, len(data.counts))
        totals = [row.sum() + main_effects(row).hidden for row in flat]
        return np.array(totals).reshape(counts.shape[:-1])

    cases = np.repeat(np.arange(len(data.counts)), data.counts)
    scipys = _scipys_bootstrap(cases, total, 200, 7, "BCa").confidence_interval
    low, high, _ = bca_interval(data, main_effects, 200, 7)
    assert (low, high) == pytest.approx((scipys.low, scipys.high), rel=1e-9)


def test_resamples_are_scipys_draws_for_the_same_seed() -> None:
    """150 resamples: two full batches and a short one, as scipy.stats.bootstrap draws them."""
    cases = np.repeat(np.arange(5, dtype=np.uint8), [30, 20, 10, 5, 1])
    weights = np.arange(1, len(cases) + 1)  # a case's position counts, not only its cell

    def statistic(resamples: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray((resamples * weights).sum(axis=axis), dtype=np.float64)

    ours = _bootstrap_draws(cases, statistic, 150, np.random.default_rng(5))
    scipys = _scipys_bootstrap(cases, statistic, 150, 5, "percentile").bootstrap_distribution
    assert len(np.unique(ours)) > 100
    assert np.array_equal(ours, scipys)


def test_a_list_without_cases_in_a_resample_leaves_the_fit() -> None:
    # list C empty: the main-effects fit is that of A and B alone, Lincoln-Petersen 150
    data = table("ABC", {"100": 40, "010": 30, "110": 20})
    result = fit(Designs(3), data.counts, ())
    assert result.empty == ((2,),)
    assert data.observed + result.hidden == pytest.approx(150, rel=1e-6)

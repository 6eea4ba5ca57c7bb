"""The Poisson log-linear fit against statsmodels' GLM, the library it follows step by step:
the same estimates, fitted counts, likelihood and standard error on the public tables, on
models with structural zeros and on warm starts."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM

from pipelines.estimation.models import Designs, Fit, Model, fit, problem
from pipelines.estimation.selection import enumerate_hierarchical, stepwise
from tests.estimation.tables import public, table

PUBLIC_TABLES = ["UKdat", "Kosovo", "Korea", "Ned", "NewOrl", "Western", "Artificial_3"]


def _statsmodels(designs: Designs, counts: NDArray[np.int64], ours: Fit, start: Fit | None) -> Any:
    design = designs.design(ours.model, ours.empty)
    initial = None if start is None else [start.params.get(t, 0.0) for t in design.terms]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        glm = GLM(counts[design.rows].astype(np.float64), design.matrix, family=Poisson())
        return glm.fit(start_params=initial, wls_method="qr")


def _assert_same(
    designs: Designs, counts: NDArray[np.int64], ours: Fit, start: Fit | None = None
) -> None:
    """Both stop when the deviance changes by less than 1e-8, so from the same start."""
    theirs = _statsmodels(designs, counts, ours, start)
    params = np.array(list(ours.params.values()))
    np.testing.assert_allclose(params, theirs.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.fitted, theirs.fittedvalues, rtol=1e-7)
    assert ours.loglik == pytest.approx(theirs.llf, rel=1e-9)
    assert ours.intercept_se == pytest.approx(theirs.bse[0], rel=1e-7)


@pytest.mark.parametrize("name", PUBLIC_TABLES)
def test_main_effects_and_the_stepwise_choice_fit_as_statsmodels_fits_them(name: str) -> None:
    data = public(name)
    designs = Designs(len(data.lists))
    for model in [(), stepwise(designs, data.counts, p_threshold=0.02).model]:
        _assert_same(designs, data.counts, fit(designs, data.counts, model))


def test_every_three_list_model_with_an_estimate_fits_as_statsmodels_fits_it() -> None:
    # the models the existence check refuses run off to infinity: no fit to compare
    data = public("Artificial_3")
    designs = Designs(3)
    models = enumerate_hierarchical(3, 2, 1024)
    assert models is not None
    estimable = [m for m in models if problem(designs, data.counts, m) is None]
    assert len(estimable) == 4
    for model in estimable:
        _assert_same(designs, data.counts, fit(designs, data.counts, model))


def test_a_pair_without_common_cases_leaves_the_fit_as_structural_zeros() -> None:
    cells = {"100": 50, "010": 40, "001": 30, "110": 0, "101": 9, "011": 6, "111": 0}
    data = table("ABC", cells)
    designs = Designs(3)
    ours = fit(designs, data.counts, ((0, 1), (0, 2)))
    assert ours.empty == ((0, 1),)
    assert len(ours.rows) == 5  # the two cells on lists A and B leave the fit
    _assert_same(designs, data.counts, ours)


def test_random_tables_fit_as_statsmodels_fits_them_from_a_warm_start() -> None:
    rng = np.random.default_rng(7)
    designs = Designs(4)
    model: Model = ((0, 1), (2, 3))
    for _ in range(25):
        counts = rng.poisson(rng.uniform(2, 400, size=15)).astype(np.int64) + 1
        start = fit(designs, counts, ())
        warm = fit(designs, counts, model, start=start)
        _assert_same(designs, counts, warm, start)
        assert warm.hidden == pytest.approx(fit(designs, counts, model).hidden, rel=1e-6)

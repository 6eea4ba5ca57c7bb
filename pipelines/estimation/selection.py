"""Model choice: main effects, stepwise p-value thresholding, BIC over hierarchical models."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from scipy.special import pdtr, pdtrc

from pipelines.estimation.models import Designs, Fit, Model, ModelError, Term, bic, canonical, fit
from pipelines.estimation.models import problem as model_problem

MAIN: Model = ()
EXHAUSTIVE_LIMIT = 1024  # larger model spaces are searched greedily
BOOTSTRAP_CANDIDATES = 20  # models the bootstrap re-chooses among (Silverman et al. 2024)

Selector = Callable[[NDArray[np.int64]], Fit]


def main_effects(designs: Designs, counts: NDArray[np.int64], start: Fit | None = None) -> Fit:
    return fit(designs, counts, MAIN, start)


def stepwise(
    designs: Designs, counts: NDArray[np.int64], p_threshold: float, start: Fit | None = None
) -> Fit:
    """Chan, Silverman & Vincent's forward selection of two-list interactions.

    Under the current model the number of cases on both lists of a pair is Poisson; the pair
    with the smallest two-sided p-value is added if below the threshold and if the larger
    model is identifiable and has an estimate, else the next smallest; ties go to the first
    pair. `start` (a main-effects fit of similar counts) starts the first fit.
    """
    together = counts @ designs.pair_cells
    current = fit(designs, counts, MAIN, start)
    while True:
        expected = current.fitted @ designs.pair_cells[current.rows]
        p_values = _two_sided(together, expected)
        for index, pair in enumerate(designs.pairs):
            if pair in current.model:
                p_values[index] = 1.0
        chosen = _first_admissible(designs, counts, current.model, p_values, p_threshold)
        if chosen is None:
            return current
        current = fit(designs, counts, chosen, start=current)


def _two_sided(observed: NDArray[np.float64], mean: NDArray[np.float64]) -> NDArray[np.float64]:
    """min(P(X <= n), P(X >= n)) for X Poisson with the given mean."""
    at_most = pdtr(observed, mean)
    at_least = np.where(observed > 0, pdtrc(np.maximum(observed - 1, 0), mean), 1.0)
    return np.asarray(np.minimum(at_most, at_least), dtype=np.float64)


def _first_admissible(
    designs: Designs,
    counts: NDArray[np.int64],
    model: Model,
    p_values: NDArray[np.float64],
    p_threshold: float,
) -> Model | None:
    for index in np.argsort(p_values, kind="stable"):
        if p_values[index] >= p_threshold:
            return None
        candidate = canonical((*model, designs.pairs[index]))
        if model_problem(designs, counts, candidate) is None:
            return candidate
    return None


@dataclass(frozen=True)
class Scored:
    bic: float
    model: Model


def bic_search(designs: Designs, counts: NDArray[np.int64], max_order: int) -> list[Scored]:
    """Admissible hierarchical models by BIC, best first: every model when the space is
    small; else a greedy add-or-drop-one-term descent, from the best two-list model when
    those are few enough to try all, else from main effects."""
    models = enumerate_hierarchical(designs.t, max_order, EXHAUSTIVE_LIMIT)
    if models is not None:
        return _exhaustive(designs, counts, models)
    pair_models = enumerate_hierarchical(designs.t, 2, EXHAUSTIVE_LIMIT)
    seeds = [] if pair_models is None else _exhaustive(designs, counts, pair_models)
    return _greedy(designs, counts, max_order, seeds)


def _exhaustive(designs: Designs, counts: NDArray[np.int64], models: list[Model]) -> list[Scored]:
    scored = [_score(designs, counts, model) for model in models]
    return sorted((s for s in scored if s is not None), key=lambda s: s.bic)


def _score(designs: Designs, counts: NDArray[np.int64], model: Model) -> Scored | None:
    if model_problem(designs, counts, model) is not None:
        return None
    try:
        return Scored(bic(fit(designs, counts, model), int(counts.sum())), model)
    except ModelError:
        return None


def interaction_terms(t: int, max_order: int) -> list[Term]:
    """Terms of two lists up to max_order lists; never all t (it is the unobserved cell's)."""
    top = min(max_order, t - 1)
    return [term for size in range(2, top + 1) for term in combinations(range(t), size)]


def enumerate_hierarchical(t: int, max_order: int, limit: int) -> list[Model] | None:
    """Every hierarchical model (a term only with all its sub-terms), or None past limit."""
    terms = interaction_terms(t, max_order)
    found: list[Model] = []

    def extend(position: int, chosen: list[Term]) -> bool:
        if position == len(terms):
            found.append(tuple(chosen))
            return len(found) <= limit
        term = terms[position]
        if not extend(position + 1, chosen):
            return False
        if _has_margins(term, set(chosen)):
            return extend(position + 1, [*chosen, term])
        return True

    return found if extend(0, []) else None


def _has_margins(term: Term, chosen: set[Term]) -> bool:
    return len(term) == 2 or all(sub in chosen for sub in combinations(term, len(term) - 1))


def _neighbours(model: Model, t: int, max_order: int) -> Iterator[Model]:
    present = set(model)
    for term in interaction_terms(t, max_order):
        if term not in present and _has_margins(term, present):
            yield canonical((*model, term))
    for term in model:
        if not any(set(term) < set(other) for other in model):
            yield tuple(other for other in model if other != term)


def _greedy(
    designs: Designs, counts: NDArray[np.int64], max_order: int, seeds: list[Scored]
) -> list[Scored]:
    seen: dict[Model, Scored | None] = {s.model: s for s in seeds}
    current = seeds[0] if seeds else _score(designs, counts, MAIN)
    if current is None:
        return []
    seen[current.model] = current
    while True:
        for model in _neighbours(current.model, designs.t, max_order):
            if model not in seen:
                seen[model] = _score(designs, counts, model)
        best = min((s for s in seen.values() if s is not None), key=lambda s: s.bic)
        if best.bic >= current.bic:
            return sorted((s for s in seen.values() if s is not None), key=lambda s: s.bic)
        current = best


def bic_selector(designs: Designs, candidates: list[Scored]) -> Selector:
    """Re-choose by BIC among the best candidate models of the original data (best first)."""
    shortlist = [s.model for s in candidates[:BOOTSTRAP_CANDIDATES]]

    def choose(counts: NDArray[np.int64]) -> Fit:
        scored = [_score(designs, counts, model) for model in shortlist]
        best = min((s for s in scored if s is not None), key=lambda s: s.bic, default=None)
        if best is None:
            raise ModelError("no candidate model has an estimate")
        return fit(designs, counts, best.model)

    return choose

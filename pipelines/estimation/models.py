"""Poisson log-linear models over the observable capture histories, and their checks.

A model is the main effects plus a set of interaction terms (tuples of list indices). A term
whose lists have no case in common cannot be fitted: its parameter is minus infinity, so the
cells holding those lists are structural zeros and leave the fit (Chan, Silverman & Vincent
2021); they still count as parameters in BIC. The fitted intercept is the log of the
expected count of the unobserved history.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import statsmodels.api as sm
from numpy.typing import NDArray
from scipy.optimize import linprog

from pipelines.estimation.capture import histories

Term = tuple[int, ...]
Model = tuple[Term, ...]

LP_TOLERANCE = 1e-7


class ModelError(ValueError):
    """The chosen model has no usable estimate on this table."""


@dataclass(frozen=True)
class Design:
    """The cells a model keeps and its design matrix over them."""

    rows: NDArray[np.intp]
    matrix: NDArray[np.float64]
    identifiable: bool


@dataclass(frozen=True)
class Fit:
    model: Model
    empty: tuple[Term, ...]
    rows: NDArray[np.intp]
    fitted: NDArray[np.float64]
    intercept: float
    intercept_se: float
    loglik: float
    n_params: int

    @property
    def hidden(self) -> float:
        return math.exp(self.intercept)


def canonical(model: Model) -> Model:
    return tuple(sorted(model, key=lambda term: (len(term), term)))


class Designs:
    """Design matrices of one list structure, built once and reused across resamples."""

    def __init__(self, t: int) -> None:
        self.t = t
        self.cells = histories(t).astype(np.float64)
        self._holds: dict[Term, NDArray[np.float64]] = {}
        self.pairs: list[Term] = list(combinations(range(t), 2))
        self.pair_cells = np.column_stack([self.holds(pair) for pair in self.pairs])
        self._designs: dict[tuple[Model, tuple[Term, ...]], Design] = {}
        self._exists: dict[tuple[Model, tuple[Term, ...], bytes], bool] = {}

    def holds(self, term: Term) -> NDArray[np.float64]:
        """1 for the cells on every list of the term."""
        found = self._holds.get(term)
        if found is None:
            found = np.prod(self.cells[:, list(term)], axis=1)
            self._holds[term] = found
        return found

    def empty_terms(self, model: Model, counts: NDArray[np.int64]) -> tuple[Term, ...]:
        return tuple(term for term in model if counts @ self.holds(term) == 0)

    def design(self, model: Model, empty: tuple[Term, ...]) -> Design:
        key = (model, empty)
        found = self._designs.get(key)
        if found is None:
            found = self._build(model, empty)
            self._designs[key] = found
        return found

    def _build(self, model: Model, empty: tuple[Term, ...]) -> Design:
        keep = np.ones(len(self.cells), dtype=bool)
        for term in empty:
            keep &= self.holds(term) == 0
        rows = np.flatnonzero(keep)
        columns = [np.ones(len(self.cells)), *self.cells.T]
        columns += [self.holds(term) for term in model if term not in empty]
        matrix = np.column_stack(columns)[rows]
        identifiable = bool(np.linalg.matrix_rank(matrix) == matrix.shape[1])
        return Design(rows, matrix, identifiable)

    def exists(self, model: Model, empty: tuple[Term, ...], counts: NDArray[np.int64]) -> bool:
        """Fienberg & Rinaldo's linear program: does the maximum-likelihood estimate exist?

        It exists iff some table with every kept cell positive has the same sufficient
        statistics as the data; the program maximises the smallest cell of such a table.
        """
        design = self.design(model, empty)
        y = counts[design.rows]
        if np.all(y > 0):
            return True
        key = (model, empty, (y > 0).tobytes())
        found = self._exists.get(key)
        if found is None:
            found = _positive_table_exists(design.matrix, y.astype(np.float64))
            self._exists[key] = found
        return found


def _positive_table_exists(matrix: NDArray[np.float64], y: NDArray[np.float64]) -> bool:
    n, p = matrix.shape
    objective = np.zeros(n + 1)
    objective[-1] = -1.0  # maximise s, the smallest cell
    equal = np.hstack([matrix.T, np.zeros((p, 1))])
    below = np.hstack([-np.eye(n), np.ones((n, 1))])  # s - x_i <= 0
    result = linprog(
        objective,
        A_ub=below,
        b_ub=np.zeros(n),
        A_eq=equal,
        b_eq=matrix.T @ y,
        bounds=(0, None),
        method="highs",
    )
    return bool(result.status == 0 and -result.fun > LP_TOLERANCE)


def problem(designs: Designs, counts: NDArray[np.int64], model: Model) -> str | None:
    """Why the model cannot give an estimate on these counts, or None when it can."""
    empty = designs.empty_terms(model, counts)
    if not designs.design(model, empty).identifiable:
        return "is not identifiable"
    if not designs.exists(model, empty, counts):
        return "has no maximum-likelihood estimate"
    return None


def fit(designs: Designs, counts: NDArray[np.int64], model: Model) -> Fit:
    """Fit the model by Poisson GLM (statsmodels) on the cells it keeps."""
    empty = designs.empty_terms(model, counts)
    design = designs.design(model, empty)
    y = counts[design.rows].astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # near-boundary fits are judged by the checks instead
        try:
            result = sm.GLM(y, design.matrix, family=sm.families.Poisson()).fit()
        except (ValueError, np.linalg.LinAlgError) as error:
            raise ModelError(f"the model could not be fitted ({error})") from None
    params = np.asarray(result.params)
    bse = np.asarray(result.bse)
    return Fit(
        model=model,
        empty=empty,
        rows=design.rows,
        fitted=np.asarray(result.fittedvalues),
        intercept=float(params[0]),
        intercept_se=float(bse[0]),
        loglik=float(result.llf),
        n_params=design.matrix.shape[1] + len(empty),
    )


def bic(result: Fit, observed: int) -> float:
    return -2.0 * result.loglik + math.log(observed) * result.n_params

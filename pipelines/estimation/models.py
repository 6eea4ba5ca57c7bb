"""Poisson log-linear models over the observable capture histories, and their checks.

A model is the main effects plus a set of interaction terms (tuples of list indices). A term
whose lists have no case in common cannot be fitted: its parameter is minus infinity, so the
cells holding those lists are structural zeros and leave the fit (Chan, Silverman & Vincent
2021); they still count as parameters in BIC. The fitted intercept is the log of the
expected count of the unobserved history.

The fit is statsmodels' Poisson GLM algorithm (IRLS, least squares by QR, the same start and
stopping rule), written out for these small tables: a build's bootstrap makes thousands
of fits of at most 63 cells, and statsmodels' own call cost three times the arithmetic.
`tests/estimation/test_models.py` holds it to statsmodels' estimates, likelihood and errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog
from scipy.special import gammaln, xlogy

from pipelines.estimation.capture import histories

Term = tuple[int, ...]
Model = tuple[Term, ...]

LP_TOLERANCE = 1e-7
# statsmodels' GLM.fit defaults: at most 100 iterations, until the deviance changes by 1e-8
MAX_ITERATIONS = 100
DEVIANCE_TOLERANCE = 1e-8
TINY = float(np.finfo(np.float64).eps)  # statsmodels' log link clips counts there
MAX_LOG = math.log(np.finfo(np.float64).max)


class ModelError(ValueError):
    """The chosen model has no usable estimate on this table."""


@dataclass(frozen=True)
class Design:
    """The cells a model keeps and its design matrix over them."""

    rows: NDArray[np.intp]
    matrix: NDArray[np.float64]
    identifiable: bool
    terms: tuple[Term, ...]  # of the columns


@dataclass(frozen=True)
class Fit:
    model: Model
    empty: tuple[Term, ...]
    rows: NDArray[np.intp]
    fitted: NDArray[np.float64]
    params: dict[Term, float]  # () is the intercept, (i,) list i's main effect
    n_params: int
    kept_counts: NDArray[np.float64]  # the counts of `rows`
    r_factor: NDArray[np.float64]  # R of the last weighted least squares: the errors

    @property
    def loglik(self) -> float:
        y = self.kept_counts
        return float(np.sum(xlogy(y, self.fitted) - self.fitted - gammaln(y + 1.0)))

    @property
    def intercept(self) -> float:
        return self.params[()]

    @property
    def intercept_se(self) -> float:
        """Standard error of the intercept: the Poisson scale is 1, the covariance the
        inverse of R'R (as statsmodels computes it)."""
        covariance = np.linalg.inv(self.r_factor.T @ self.r_factor)
        return math.sqrt(covariance[0, 0])

    @property
    def hidden(self) -> float:
        """The fitted count of the unobserved history; infinite past float range."""
        return math.exp(self.intercept) if self.intercept < MAX_LOG else math.inf


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
        # the estimate exists or not according to which kept cells are positive, and keeps
        # existing when more cells are positive: supports are remembered as bit masks
        self._supports: dict[tuple[Model, tuple[Term, ...]], tuple[list[int], list[int]]] = {}

    def holds(self, term: Term) -> NDArray[np.float64]:
        """1 for the cells on every list of the term."""
        found = self._holds.get(term)
        if found is None:
            found = np.prod(self.cells[:, list(term)], axis=1)
            self._holds[term] = found
        return found

    def empty_terms(self, model: Model, counts: NDArray[np.int64]) -> tuple[Term, ...]:
        """Terms with no case, main effects included: a resampled list can lose all its
        cases, and then leaves the fit like an empty overlap."""
        mains = [(i,) for i in range(self.t)]
        return tuple(term for term in (*mains, *model) if counts @ self.holds(term) == 0)

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
        terms = [t for t in [(), *((i,) for i in range(self.t)), *model] if t not in empty]
        matrix = np.column_stack([self.holds(term) for term in terms])[rows]
        identifiable = bool(np.linalg.matrix_rank(matrix) == matrix.shape[1])
        return Design(rows, matrix, identifiable, tuple(terms))

    def exists(self, model: Model, empty: tuple[Term, ...], counts: NDArray[np.int64]) -> bool:
        """Fienberg & Rinaldo's linear program: does the maximum-likelihood estimate exist?

        It exists iff some table with every kept cell positive has the same sufficient
        statistics as the data; the program maximises the smallest cell of such a table.
        """
        design = self.design(model, empty)
        y = counts[design.rows]
        if np.all(y > 0):
            return True
        support = int.from_bytes(np.packbits(y > 0).tobytes(), "big")
        good, bad = self._supports.setdefault((model, empty), ([], []))
        if any(known & ~support == 0 for known in good):
            return True
        if any(support & ~known == 0 for known in bad):
            return False
        found = _positive_table_exists(design.matrix, y.astype(np.float64))
        (good if found else bad).append(support)
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
    smallest = None if result.fun is None else -result.fun
    return bool(result.status == 0 and smallest is not None and smallest > LP_TOLERANCE)


def problem(designs: Designs, counts: NDArray[np.int64], model: Model) -> str | None:
    """Why the model cannot give an estimate on these counts, or None when it can."""
    empty = designs.empty_terms(model, counts)
    if not designs.design(model, empty).identifiable:
        return "is not identifiable"
    if not designs.exists(model, empty, counts):
        return "has no maximum-likelihood estimate"
    return None


def fit(designs: Designs, counts: NDArray[np.int64], model: Model, start: Fit | None = None) -> Fit:
    """Fit the model by Poisson GLM on the cells it keeps; a smaller model's fit, when given,
    starts the iterations (new terms at zero)."""
    empty = designs.empty_terms(model, counts)
    design = designs.design(model, empty)
    y = counts[design.rows].astype(np.float64)
    initial = None if start is None else np.array([start.params.get(t, 0.0) for t in design.terms])
    try:
        params, fitted, r_factor = _irls(design.matrix, y, initial)
    except (ValueError, np.linalg.LinAlgError):
        try:  # a start far from this model's optimum can overflow: start afresh
            params, fitted, r_factor = _irls(design.matrix, y, None)
        except (ValueError, np.linalg.LinAlgError) as error:
            raise ModelError(f"the model could not be fitted ({error})") from None
    return Fit(
        model=model,
        empty=empty,
        rows=design.rows,
        fitted=fitted,
        params=dict(zip(design.terms, map(float, params), strict=True)),
        n_params=design.matrix.shape[1] + len(empty),
        kept_counts=y,
        r_factor=r_factor,
    )


def _irls(
    matrix: NDArray[np.float64], y: NDArray[np.float64], start: NDArray[np.float64] | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Parameters, fitted counts and the last R factor of a Poisson log-linear fit: each
    step regresses the working response on the design, weighted by the fitted counts."""
    with np.errstate(all="ignore"):  # an overflow is caught as non-finite weights below
        if start is None:
            fitted = (y + y.mean()) / 2.0
            linear = np.log(fitted)
        else:
            linear = matrix @ start
            fitted = np.exp(linear)
        deviance = _deviance(y, fitted)
        if math.isnan(deviance):
            raise ValueError("the first deviance is not a number")
        for _ in range(MAX_ITERATIONS):
            clipped = np.maximum(fitted, TINY)
            root = clipped / np.sqrt(fitted)  # the square root of the weight
            response = root * (linear + (y - fitted) / clipped)
            if not (np.all(np.isfinite(root)) and np.all(np.isfinite(response))):
                raise ValueError("the weights or the working response are not finite")
            q, r_factor = np.linalg.qr(root[:, None] * matrix)
            params = np.linalg.solve(r_factor, q.T @ response)
            linear = matrix @ params
            fitted = np.exp(linear)
            previous, deviance = deviance, _deviance(y, fitted)
            if abs(deviance - previous) <= DEVIANCE_TOLERANCE:
                break
    return params, fitted, r_factor


def _deviance(y: NDArray[np.float64], fitted: NDArray[np.float64]) -> float:
    return float(2.0 * np.sum(xlogy(y, y / fitted) - (y - fitted)))


def bic(result: Fit, observed: int) -> float:
    return -2.0 * result.loglik + math.log(observed) * result.n_params

"""Taylor-linearisation variance for stratified, clustered, calibrated designs (R's svyrecvar).

Input: a sparse (rows x m) matrix Z (as an `Influence`: its non-zeros) of influence values already multiplied by the final weights,
one column per (statistic, domain). For each calibration step k, in order, the influence is
replaced by the residual of the regression of Z / w_k on the step's indicators X_k weighted by
the step's input weights d_k (Deville-Särndal; R's `qr.resid(qr(X sqrt(d)), ...)`):

    Z <- Z - diag(w_k) X_k B_k,   B_k = (X_k' D_k X_k)^-1 X_k' D_k (Z / w_k).

Every domain is handled at once: B is a (p x m) matrix of right-hand sides. Residuals are never
formed densely (that would be n x m); the per-stratum sum of squares of PSU totals
T = A - M B (A = PSU totals of Z, M = PSU totals of the stacked diag(w_k) X_k) is expanded as
A'A - 2 A'M B + B' M'M B. Everything that does not depend on Z (M'M, stratum totals of M, the
couplings between steps) is computed once per design; what depends on Z is a few grouped sums
(np.bincount) over its non-zeros, so the cost is O(nnz(Z) x margins) for any number of domains.
With-replacement first stage, times (1 - f_h) when an fpc is given:

    var = sum_h (1 - f_h) n_h / (n_h - 1) sum_{psu in h} (T_psu - mean_h T)^2

Strata with a single PSU follow R survey 4.5's `lonely.psu` options (see `_lonely_psu`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, sparse

from observatoire.stats.calibration import indicator_matrix
from observatoire.stats.design import Design


def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Small dense product without BLAS: threaded BLAS on small matrices stalls when the cores
    are busy (measured 15 ms instead of 0.3 ms for 80 x 80 by 80 x 277)."""
    return np.einsum("ij,jk->ik", a, b)


@dataclass(frozen=True)
class Influence:
    """The sparse (rows x m) influence matrix Z as its non-zeros: row, column, value."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    m: int

    def contrast(self, first: int, second: int) -> Influence:
        """One column: column `first` minus column `second`."""
        keep = (self.cols == first) | (self.cols == second)
        signs = np.where(self.cols[keep] == first, 1.0, -1.0)
        return Influence(self.rows[keep], np.zeros(int(keep.sum()), np.int64), signs * self.values[keep], 1)

    def grouped(self, keys: np.ndarray, weights: np.ndarray, groups: int) -> np.ndarray:
        """(groups x m) sums of weights * values by (key of the row, column)."""
        flat = np.bincount(keys * self.m + self.cols, weights * self.values, groups * self.m)
        return flat.reshape(groups, self.m)

    def indicator_sums(self, step, *row_weights: np.ndarray) -> list[np.ndarray]:
        """X_k' diag(weights) Z as dense (categories x m) matrices, one per weight vector (the
        keys are shared)."""
        size = step.n_columns * self.m
        values = [w[self.rows] * self.values for w in row_weights]
        totals = [np.zeros(size) for _ in row_weights]
        for column in step.columns:
            key = column[self.rows] * self.m + self.cols
            for total, v in zip(totals, values):
                total += np.bincount(key, v, size)
        return [t.reshape(step.n_columns, self.m) for t in totals]


@dataclass(frozen=True)
class CalibrationParts:
    """What the residualisation needs besides Z, once per design."""

    inverses: list  # per step: pseudo-inverse of X_k' D_k X_k
    couplings: dict  # (k, j), j < k: X_k' diag(d_k w_j / w_k) X_j
    gram: np.ndarray  # M' G M (G = per-unit stratum scale)
    stratum_totals: np.ndarray  # H x stacked categories: per-stratum totals of M


def calibration_parts(design: Design) -> CalibrationParts:
    cache = design.cache
    if "calibration" not in cache:
        cache["calibration"] = _clustered_parts(design) if design.clustered else _cell_parts(design)
    return cache["calibration"]


def _cell_parts(design: Design) -> CalibrationParts:
    """Unclustered designs: rows sharing a stratum and every indicator (a calibration cell,
    a few thousand at most) are summed first, so the products run on cells, not on rows."""
    steps = design.calibrations
    key = design.strata
    for step in steps:
        for column in step.columns:
            key = pd.factorize(key * (int(column.max()) + 1) + column)[0]
    first = pd.Series(key).drop_duplicates().index.to_numpy()  # codes appear in first-row order
    n_cells = len(first)

    def cell_matrix(step, weights):
        summed = np.bincount(key, weights, n_cells)
        return indicator_matrix(step.columns[:, first], step.n_columns).multiply(summed[:, None]).tocsr()

    def ones(step):
        return indicator_matrix(step.columns[:, first], step.n_columns)

    scale = design.stratum_scale()[design.strata]
    inverses = [pseudo_inverse((ones(s).T @ cell_matrix(s, s.design_weights)).toarray()) for s in steps]
    couplings = {
        (k, j): (ones(step).T @ cell_matrix(steps[j], step.design_weights * steps[j].weights / step.weights)).toarray()
        for k, step in enumerate(steps)
        for j in range(k)
    }
    blocks = [[(ones(a).T @ cell_matrix(b, scale * a.weights * b.weights)).toarray() for b in steps] for a in steps]
    strata_of_cells = sparse.csr_matrix(
        (np.ones(n_cells), (design.strata[first], np.arange(n_cells))), shape=(len(design.strata_labels), n_cells)
    )
    totals = np.hstack([(strata_of_cells @ cell_matrix(s, s.weights)).toarray() for s in steps])
    return CalibrationParts(inverses, couplings, np.block(blocks), totals)


def _clustered_parts(design: Design) -> CalibrationParts:
    steps = design.calibrations
    inverses = [
        pseudo_inverse((s.model_matrix.T @ s.model_matrix.multiply(s.design_weights[:, None])).toarray()) for s in steps
    ]
    couplings = {}
    for k, step in enumerate(steps):
        scaled = step.model_matrix.multiply((step.design_weights / step.weights)[:, None]).T.tocsr()
        for j in range(k):
            couplings[k, j] = (scaled @ steps[j].model_matrix.multiply(steps[j].weights[:, None])).toarray()
    units = psu_totals(design)
    scale = design.stratum_scale()[design.unit_stratum]
    gram = (units.T @ units.multiply(scale[:, None])).toarray()
    return CalibrationParts(inverses, couplings, gram, (design.stratum_aggregator @ units).toarray())


def pseudo_inverse(gram: np.ndarray) -> np.ndarray:
    """Pseudo-inverse of X'DX. X holds every category of every margin, so it is rank-deficient
    (R's model.matrix drops one category per factor): the fitted values, hence the residuals,
    are the same. Eigen-decomposition by scipy (numpy's threaded one stalls on busy cores)."""
    values, vectors = linalg.eigh(gram)
    keep = values > values.max() * 1e-12
    return np.einsum("ik,jk->ij", vectors[:, keep] / values[keep], vectors[:, keep])


def psu_totals(design: Design) -> sparse.csr_matrix:
    """M: (variance units x stacked categories) totals of diag(w_k) X_k."""
    rows = sparse.hstack([s.model_matrix.multiply(s.weights[:, None]) for s in design.calibrations]).tocsr()
    return rows if design.psu_aggregator is None else (design.psu_aggregator @ rows).tocsr()


def linearised_variance(design: Design, inf: Influence) -> np.ndarray:
    """Variance of each column's total of Z (rows x m, influence x final weights)."""
    scale = design.stratum_scale()
    unit_scale = scale[design.unit_stratum]
    h = len(design.strata_labels)
    if design.clustered:
        a = sparse.csr_matrix((inf.values, (design.psu[inf.rows], inf.cols)), shape=(len(unit_scale), inf.m))
        squares = np.asarray(a.multiply(a).T @ unit_scale).ravel()
        stratum_totals = (design.stratum_aggregator @ a).toarray()
    else:
        squares = np.bincount(inf.cols, unit_scale[inf.rows] * np.square(inf.values), inf.m)
        stratum_totals = inf.grouped(design.strata[inf.rows], np.ones(len(inf.rows)), h)
    if design.calibrations:
        parts = calibration_parts(design)
        steps = design.calibrations
        if design.clustered:
            rhs = [inf.indicator_sums(s, s.design_weights / s.weights)[0] for s in steps]
            cross = (psu_totals(design).multiply(unit_scale[:, None]).T @ a).toarray()
        else:
            sums = [inf.indicator_sums(s, s.design_weights / s.weights, unit_scale * s.weights) for s in steps]
            rhs, cross = [r for r, _ in sums], np.vstack([c for _, c in sums])
        coefs = _coefficients(parts, rhs)
        squares += -2.0 * np.einsum("pd,pd->d", cross, coefs) + np.einsum("pd,pd->d", coefs, product(parts.gram, coefs))
        stratum_totals -= product(parts.stratum_totals, coefs)
    n_h = np.maximum(design.n_psu, 1)
    variance = squares - np.einsum("h,hd->d", scale / n_h, np.square(stratum_totals))
    return np.maximum(_lonely_psu(design, variance, stratum_totals), 0.0)


def _coefficients(parts: CalibrationParts, rhs: list[np.ndarray]) -> np.ndarray:
    """Stacked [B_1; B_2; ...] (categories x m) from X_k' D_k (Z / w_k), steps in R's order."""
    coefs = []
    for k, right in enumerate(rhs):
        for j, b in enumerate(coefs):  # earlier steps' fitted parts, already removed
            right = right - product(parts.couplings[k, j], b)
        coefs.append(product(parts.inverses[k], right))
    return np.vstack(coefs)


def _lonely_psu(design: Design, variance: np.ndarray, stratum_totals: np.ndarray) -> np.ndarray:
    """R survey 4.5's options(survey.lonely.psu) (C++ `arma_onestage`, the default since 4.3).

    A lonely stratum (one PSU, not taken with certainty) adds nothing to `variance` as computed
    (its scale is 0), as with "remove" and "certainty". "adjust" adds (1 - f_h) (T_h - c)^2, its
    PSU total T_h (the stratum total, calibration residuals included) centred on the average PSU
    total of the whole design c = sum_h T_h / (number of PSUs); survey 4.1.1 and earlier used
    c = 0. "average" gives each lonely stratum the mean variance of the other strata: the sum is
    scaled by H / (H - lonely strata)."""
    lonely = design.lonely_strata
    if not lonely.any():
        return variance
    if design.lonely_psu == "average":
        return variance * len(lonely) / (len(lonely) - lonely.sum())
    if design.lonely_psu != "adjust":
        return variance
    centre = stratum_totals.sum(axis=0) / len(design.psu_stratum)
    population = design.fpc_population[lonely]
    keep = 1.0 - 1.0 / population  # 1 - f_h with one sampled PSU; 1 without fpc (1 / inf = 0)
    return variance + np.einsum("h,hd->d", keep, np.square(stratum_totals[lonely] - centre))

"""Taylor-linearisation variance for stratified, clustered, calibrated designs (R's svyrecvar).

Input: a sparse (rows x m) matrix Z of influence values already multiplied by the final weights,
one column per (statistic, domain). For each calibration step k, in order, the influence is
replaced by the residual of the regression of Z / w_k on the step's indicators X_k weighted by
the step's input weights d_k (Deville-Särndal; R's `qr.resid(qr(X sqrt(d)), ...)`):

    Z <- Z - diag(w_k) X_k B_k,   B_k = (X_k' D_k X_k)^-1 X_k' D_k (Z / w_k).

Every domain is handled at once: B is a (p x m) matrix of right-hand sides. Residuals are never
formed densely (that would be n x m); the per-stratum sum of squares of PSU totals
T = A - M B (A = PSU totals of Z, M = PSU totals of diag(w_k) X_k) is expanded as
A'A - 2 A'M B + B' M'M B, with sparse A and M, so the cost is O(n x margins) for any number of
domains. With-replacement first stage, times (1 - f_h) when an fpc is given:

    var = sum_h (1 - f_h) n_h / (n_h - 1) sum_{psu in h} (T_psu - mean_h T)^2
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, sparse

from observatoire.stats.design import Design


def linearised_variance(design: Design, z: sparse.spmatrix) -> np.ndarray:
    """Variance of each column's total of `z` (rows x m, influence x final weights)."""
    z = sparse.csc_matrix(z)
    stacked_x, coefs = _calibration_coefficients(design, z)
    a = _to_psu(design, z)
    m_mat = _to_psu(design, stacked_x) if stacked_x is not None else None
    scale = design.stratum_scale()
    psu_scale = scale[design.unit_stratum]
    squares = np.asarray(a.multiply(a).T @ psu_scale).ravel()
    stratum_totals = (design.stratum_aggregator @ a).toarray()
    if m_mat is not None:
        weighted_m = sparse.diags(psu_scale) @ m_mat
        cross = (a.T @ weighted_m).toarray()  # m x p
        gram = (m_mat.T @ weighted_m).toarray()  # p x p
        squares += -2.0 * np.einsum("dp,pd->d", cross, coefs) + np.einsum("pd,pd->d", coefs, gram @ coefs)
        stratum_totals -= (design.stratum_aggregator @ m_mat).toarray() @ coefs
    n_h = np.maximum(design.n_psu, 1)
    variance = squares - (scale / n_h) @ np.square(stratum_totals)
    if design.lonely_psu == "adjust":
        variance += _lonely_adjustment(design, a, m_mat, coefs)
    return np.maximum(variance, 0.0)


def _calibration_coefficients(design: Design, z: sparse.csc_matrix):
    """Stacked [w_1 X_1, w_2 X_2, ...] (rows x p) and coefficients [B_1; B_2; ...] (p x m)."""
    if not design.calibrations:
        return None, None
    blocks, coefs = [], []
    for step in design.calibrations:
        x = step.model_matrix()
        d, w = step.design_weights, step.weights
        rhs = (x.T @ (sparse.diags(d / w) @ z)).toarray()
        for previous, b in zip(blocks, coefs):  # earlier steps' fitted parts, already removed
            rhs -= (x.T @ (sparse.diags(d / w) @ previous)).toarray() @ b
        coefs.append(_solve_normal(x, d, rhs))
        blocks.append(sparse.diags(w) @ x)
    return sparse.hstack(blocks).tocsc(), np.vstack(coefs)


def _solve_normal(x: sparse.csr_matrix, d: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """(X'DX)^-1 rhs; columns without any weight (e.g. another wave's margins) get 0."""
    gram = (x.T @ sparse.diags(d) @ x).toarray()
    used = np.diag(gram) > 0
    coef = np.zeros((x.shape[1], rhs.shape[1]))
    sub = gram[np.ix_(used, used)]
    try:
        coef[used] = linalg.solve(sub, rhs[used], assume_a="pos")
    except linalg.LinAlgError:
        coef[used] = linalg.lstsq(sub, rhs[used])[0]
    return coef


def _to_psu(design: Design, rows: sparse.spmatrix) -> sparse.csc_matrix:
    aggregator = design.psu_aggregator
    if aggregator is None:  # each row is its own PSU: no aggregation needed
        return sparse.csc_matrix(rows)
    return sparse.csc_matrix(aggregator @ rows)


def _lonely_adjustment(design: Design, a, m_mat, coefs) -> np.ndarray:
    """R's lonely.psu = "adjust": a single-PSU stratum contributes (T_psu - grand mean)^2."""
    lonely = np.flatnonzero(design.n_psu[design.unit_stratum] == 1)
    if len(lonely) == 0:
        return np.zeros(a.shape[1])
    totals = a[lonely].toarray()
    grand = np.asarray(a.sum(axis=0)).ravel()
    if m_mat is not None:
        totals -= m_mat[lonely].toarray() @ coefs
        grand -= np.asarray(m_mat.sum(axis=0)).ravel() @ coefs
    return np.square(totals - grand / len(design.psu_stratum)).sum(axis=0)

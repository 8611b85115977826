"""Area-level small-area estimation: the Fay–Herriot model and its use for proportions.

Model (Fay & Herriot 1979; Rao & Molina 2015, ch. 6), for areas i = 1..m with a sample:

    direct_i = theta_i + e_i,   e_i ~ N(0, psi_i)        (psi_i: sampling variance, taken as known)
    theta_i  = x_i' beta + u_i, u_i ~ N(0, sigma2_u)     (sigma2_u: model variance)

`fay_herriot` estimates sigma2_u by REML or ML with the Fisher-scoring algorithm of R
`sae::eblupFH` (start at median(psi), stop when the relative change is <= tol): with sae's
PRECISION (tol = 1e-4) it gives sae's numbers digit for digit; the default tol (setting
`small_area_tolerance`) runs it to the fixed point, where emdi's values are. The traces it
needs are computed in O(m p^2) instead of building sae's m x m projection matrix, which keeps
50,000 areas cheap. The MSE is the Prasad–Rao estimator (REML: g1 + g2 + 2 g3; ML: the same
minus the bias correction b_ML * B_i^2, as in `sae::mseFH`). Areas without sample get the
synthetic estimate x_i' beta with MSE sigma2_u + x_i' (X'V^-1 X)^-1 x_i (the limit of the
formulas when psi_i -> infinity).

A third method, "AMRL", is the adjusted REML of Li & Lahiri (2010, J. Multivariate Anal. 101):
it maximises sigma2_u x (restricted likelihood), so the estimate is never 0; it is found as the
root of that likelihood's score (Brent's method), to the same values as R emdi's
`method = "amrl"`. With ~18 respondents per IRIS the sampling variances are about 7 times
sigma2_u and REML is very noisy (its standard error is about 60 % of the estimate); when it
comes out low, the EBLUP shrinks too much and the intervals are too short: in the demo study
(benchmarks/small_area_study.py, 300 samples) 95 % intervals cover 91 % with REML and 96 % with
AMRL. AMRL's MSE (setting `small_area_amrl_mse`) is by default the Prasad–Rao g1 + g2 + 2 g3;
"li_lahiri" subtracts Li and Lahiri's correction B_i^2 b(sigma2_u), b = 2 / (sigma2_u sum v_i^2),
as emdi does. That correction is second-order unbiased as m grows, but here it removes ~20 % of
the MSE and the intervals then cover 92 % (94 % without sample); it can even exceed the MSE
when sigma2_u is near 0. Prasad–Rao's slightly conservative intervals are the honest default.

Proportions (`fit_proportions`, the default for IRIS) are modelled on Anscombe's arcsine
scale, theta = asin(sqrt((n p + 3/8) / (n + 3/4))) with n the effective sample size: its
variance hardly depends on p, an IRIS where every respondent gave the same answer (p = 0 or 1,
direct variance 0) still has an informative value and variance, and back-transformed estimates
and intervals stay inside [0, 1]. The logit was rejected because it is infinite at p = 0 or 1,
common with ~18 respondents; the plain asin(sqrt(p)) because its O(1/n) bias pulled the demo
estimates about 2 points down. Sampling variances come from a generalised variance function
(GVF): the exact variance of the transform for a binomial with the effective size n / deff
(deff pooled over areas when n is small or the direct variance is 0) and the model's predicted
share, never from each IRIS's noisy direct variance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as sps

from observatoire import settings as settings_mod
from observatoire.errors import UserError

METHODS = ("REML", "ML", "AMRL")
AMRL_MSE = ("prasad_rao", "li_lahiri")


@dataclass(frozen=True)
class Convergence:
    """How the estimation of sigma2_u ended. REML, ML: Fisher-scoring steps and `history` the
    iterates; AMRL: evaluations of the adjusted score and the points where it was evaluated."""

    converged: bool
    iterations: int
    relative_change: float
    history: tuple[float, ...]


@dataclass(frozen=True)
class FayHerriotFit:
    """A fitted Fay–Herriot model; arrays are read-only and follow the input order of areas.

    `sampled[i]` tells whether area i had a direct estimate; for the others `estimate` is the
    synthetic value and `gamma` is 0. `mse = g1 + g2 + 2 g3 - bias_correction` (see
    `_sigma2_u_bias`: 0 for REML, Datta–Lahiri for ML, Li–Lahiri for AMRL).
    """

    method: str
    area_ids: tuple
    covariate_names: tuple[str, ...]
    sigma2_u: float
    sigma2_u_se: float
    beta: np.ndarray
    beta_se: np.ndarray
    direct: np.ndarray
    sampling_var: np.ndarray
    sampled: np.ndarray
    synthetic: np.ndarray
    gamma: np.ndarray
    estimate: np.ndarray
    g1: np.ndarray
    g2: np.ndarray
    g3: np.ndarray
    bias_correction: np.ndarray
    mse: np.ndarray
    std_residual: np.ndarray
    loglike: float
    convergence: Convergence

    @property
    def n_sampled(self) -> int:
        return int(self.sampled.sum())

    def coefficients(self) -> pd.DataFrame:
        """Regression coefficients with asymptotic standard errors, z values and p-values."""
        z = self.beta / self.beta_se
        return pd.DataFrame(
            {
                "covariate": self.covariate_names,
                "beta": self.beta,
                "se": self.beta_se,
                "z": z,
                "p_value": 2 * sps.norm.sf(np.abs(z)),
            }
        )

    def areas(self) -> pd.DataFrame:
        """One row per area: direct vs model estimate, shrinkage, MSE parts, residual."""
        return pd.DataFrame(
            {
                "area": list(self.area_ids),
                "sampled": self.sampled,
                "direct": self.direct,
                "sampling_var": self.sampling_var,
                "synthetic": self.synthetic,
                "gamma": self.gamma,
                "estimate": self.estimate,
                "g1": self.g1,
                "g2": self.g2,
                "g3": self.g3,
                "bias_correction": self.bias_correction,
                "mse": self.mse,
                "mse_to_direct_var": self.mse / self.sampling_var,
                "std_residual": self.std_residual,
            }
        )

    def diagnostics(self) -> dict:
        """Model-level figures as plain data (for the app, the CLI and the closing notes)."""
        p = len(self.beta)
        sampled = self.sampled
        residuals = self.std_residual[sampled]
        return {
            "method": self.method,
            "n_areas": len(self.area_ids),
            "n_sampled": self.n_sampled,
            "n_parameters": p,
            "sigma2_u": self.sigma2_u,
            "sigma2_u_se": self.sigma2_u_se,
            "loglike": self.loglike,
            "aic": -2 * self.loglike + 2 * (p + 1),
            "bic": -2 * self.loglike + (p + 1) * math.log(self.n_sampled),
            "mean_gamma": float(self.gamma[sampled].mean()),
            "median_mse_to_direct_var": float(np.median(self.mse[sampled] / self.sampling_var[sampled])),
            "std_residual_mean": float(residuals.mean()),
            "std_residual_sd": float(residuals.std(ddof=1)) if residuals.size > 1 else float("nan"),
            "converged": self.convergence.converged,
            "iterations": self.convergence.iterations,
        }


# --- input checks (French messages: these reach the user) ---------------------------------


def _design_matrix(X, area_ids, add_intercept: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, dtype=float))
    frame = frame.rename(columns=str)
    for column in frame.columns:
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            where = ", ".join(str(area_ids[i]) for i in np.flatnonzero(bad)[:5])
            raise UserError(
                f"La covariable « {column} » est manquante ou non numérique pour "
                f"{int(bad.sum())} zone(s) : {where}.",
                "Complétez le fichier des covariables (une valeur numérique par zone) "
                "ou retirez cette covariable du modèle.",
            )
    matrix = frame.to_numpy(dtype=float)
    names = tuple(frame.columns)
    if add_intercept:
        matrix = np.column_stack([np.ones(len(frame)), matrix])
        names = ("constante",) + names
    return matrix, names


def _check_rank(X: np.ndarray, names: tuple[str, ...]) -> None:
    """Raise a UserError naming the first set of linearly dependent covariates."""
    scale = np.linalg.norm(X, axis=0)
    Xs = X / np.where(scale > 0, scale, 1.0)
    kept: list[int] = []
    for j in range(Xs.shape[1]):
        coef = np.linalg.lstsq(Xs[:, kept], Xs[:, j], rcond=None)[0] if kept else np.zeros(0)
        if np.linalg.norm(Xs[:, j] - Xs[:, kept] @ coef) > 1e-7:
            kept.append(j)
            continue
        involved = [names[k] for k, c in zip(kept, coef) if abs(c) > 1e-7] + [names[j]]
        listed = " ; ".join(f"« {name} »" for name in involved)
        raise UserError(
            f"Covariables colinéaires : {listed} (l'une est une combinaison linéaire des autres, "
            "ou constante sur les zones échantillonnées).",
            "Retirez l'une de ces covariables du modèle.",
        )


def _check_inputs(direct, sampling_var, X, area_ids, add_intercept):
    direct = np.asarray(direct, dtype=float)
    sampling_var = np.asarray(sampling_var, dtype=float)
    m = direct.shape[0]
    if area_ids is None:
        area_ids = tuple(X.index) if isinstance(X, pd.DataFrame) else tuple(range(m))
    area_ids = tuple(area_ids)
    if sampling_var.shape != (m,) or len(X) != m or len(area_ids) != m:
        raise ValueError("direct, sampling_var, X and area_ids must have one entry per area")
    matrix, names = _design_matrix(X, area_ids, add_intercept)
    sampled = np.isfinite(direct)
    bad_var = sampled & ~(np.isfinite(sampling_var) & (sampling_var > 0))
    if bad_var.any():
        where = ", ".join(str(area_ids[i]) for i in np.flatnonzero(bad_var)[:5])
        raise UserError(
            f"Variance d'échantillonnage nulle, négative ou manquante pour : {where}.",
            "Lissez les variances (fonction de variance généralisée) avant d'ajuster le modèle.",
        )
    n_sampled, p = int(sampled.sum()), matrix.shape[1]
    if n_sampled <= p:
        raise UserError(
            f"Trop peu de zones avec répondants ({n_sampled}) pour estimer {p} paramètres.",
            "Utilisez moins de covariables ou un niveau géographique plus agrégé.",
        )
    _check_rank(matrix[sampled], names)
    return direct, sampling_var, matrix, names, sampled, area_ids


# --- Fisher scoring ----------------------------------------------------------------------


def _gls(y, X, v):
    """GLS fit with weights v = 1/(sigma2_u + psi): returns beta, Q = (X'VX)^-1, residuals."""
    XtV = X.T * v
    Q = np.linalg.inv(XtV @ X)
    beta = Q @ (XtV @ y)
    return beta, Q, y - X @ beta


def _restricted_score(A, y, X, psi):
    """REML score 0.5 (y'P^2 y - tr P) of sigma2_u and its Fisher information 0.5 tr(P^2),
    without the m x m matrix P (sae::eblupFH builds it).

    With V^-1 = diag(v), P = V^-1 - V^-1 X Q X' V^-1: P y = v * r,
    tr(P) = sum v - tr(Q X'V^2 X), tr(P^2) = sum v^2 - 2 tr(Q X'V^3 X) + tr((Q X'V^2 X)^2).
    """
    v = 1.0 / (A + psi)
    _, Q, r = _gls(y, X, v)
    M2 = Q @ ((X.T * v**2) @ X)
    M3 = Q @ ((X.T * v**3) @ X)
    trace_p = v.sum() - np.trace(M2)
    trace_p2 = np.sum(v**2) - 2 * np.trace(M3) + np.sum(M2 * M2.T)
    return 0.5 * (np.sum((v * r) ** 2) - trace_p), 0.5 * trace_p2


def _score_step(A, y, X, psi, method):
    """One Fisher-scoring step for sigma2_u, as sae::eblupFH (REML or ML)."""
    if method == "ML":
        v = 1.0 / (A + psi)
        r = _gls(y, X, v)[2]
        return 0.5 * (np.sum((v * r) ** 2) - v.sum()) / (0.5 * np.sum(v**2))
    score, information = _restricted_score(A, y, X, psi)
    return score / information


def _fisher_scoring(y, X, psi, method, max_iter, tol) -> tuple[float, Convergence]:
    """sae::eblupFH's iterations (start at median(psi), stop when the relative change is <= tol).
    Near the REML/ML fixed point they converge fast: the estimate is within a small fraction of
    tol of it (sae's PRECISION = 1e-4 gives its printed values; the default tol reaches it)."""
    history = [float(np.median(psi))]
    change = tol + 1.0
    k = 0
    while change > tol and k < max_iter:
        k += 1
        current = history[-1]
        # sae lets the iterate go negative; a floor at 0 keeps V positive definite and only
        # matters when the estimate is on the boundary.
        following = max(current + _score_step(current, y, X, psi, method), 0.0)
        history.append(following)
        change = abs(following - current) / current if current > 0 else (0.0 if following == 0 else math.inf)
    return history[-1], Convergence(bool(change <= tol), k, float(change), tuple(float(a) for a in history))


def _adjusted_reml(y, X, psi, max_iter, tol) -> tuple[float, Convergence]:
    """Li & Lahiri's adjusted REML: the root of the score of log(sigma2_u) + restricted
    log-likelihood, score(A) + 1/A, which is +inf at A = 0+ (so the estimate is > 0).

    The score is bracketed by doubling (or halving) from median(psi), then Brent's method finds
    the root to a relative tol. Fisher scoring on this score contracts only linearly (x0.36 per
    step on emdi's test data), so a stop on the relative change left sigma2_u ~1e-5 away from
    the fixed point; emdi (`AMRL` in R/estim_sigmau2.R) maximises the same adjusted likelihood
    with optimize(). `iterations` counts the evaluations of the score."""
    history: list[float] = []

    def adjusted_score(A):
        history.append(float(A))
        return _restricted_score(A, y, X, psi)[0] + 1.0 / A

    def done(A, converged):
        change = abs(history[-1] - history[-2]) / A if len(history) > 1 else math.inf
        return A, Convergence(converged, len(history), float(change), tuple(history))

    low = float(np.median(psi))
    f_low = adjusted_score(low)
    factor = 2.0 if f_low > 0 else 0.5
    for _ in range(max_iter):
        high = low * factor
        f_high = adjusted_score(high)
        if (f_high > 0) != (f_low > 0):
            break
        low, f_low = high, f_high
    else:
        return done(history[-1], False)
    lower, upper = sorted((low, high))
    root, result = optimize.brentq(
        adjusted_score, lower, upper, xtol=tol * lower, rtol=max(tol, 4 * np.finfo(float).eps),
        maxiter=max_iter, full_output=True, disp=False,
    )  # fmt: skip
    return done(float(root), bool(result.converged))


def _sigma2_u_bias(method, A, X, v, Q) -> float:
    """First-order bias b of the estimator of sigma2_u. The plug-in g1 is then biased by
    B_i^2 b (dg1/dA = B_i^2; B_i = 1 without sample), which the MSE estimator subtracts.

    REML: 0 (Prasad–Rao, sae::mseFH). ML: -tr(Q X'V^-2 X) / sum v^2 (Datta–Lahiri, sae::mseFH).
    AMRL: (2 / sigma2_u) / sum v^2, Li & Lahiri (2010), as emdi computes it in `li_lahiri()`
    (R/mse.R of emdi 2.2.3: `Bias <- (2 / sigmau2) / sum(diag(Vi^2))`, then
    `mse[d] <- mse[d] - (Bd[d]^2) * Bias`); emdi gives no MSE without sample, we subtract b
    there too, as for ML. Li–Lahiri's term is large when sigma2_u is small against the sampling
    variances (it is B_i^2 var(sigma2_u) / sigma2_u): see the module notes for why AMRL uses
    Prasad–Rao by default."""
    if method == "ML":
        return float(-np.trace(Q @ ((X.T * v**2) @ X)) / np.sum(v**2))
    if method == "AMRL":
        return float(2.0 / A / np.sum(v**2))
    return 0.0


def _frozen(array) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array


def _frozen_mask(mask) -> np.ndarray:
    mask = np.array(mask, dtype=bool)
    mask.setflags(write=False)
    return mask


def fay_herriot(
    direct,
    sampling_var,
    X,
    method: str = "REML",
    *,
    area_ids=None,
    add_intercept: bool = True,
    max_iter: int = 100,
    tol: float | None = None,
    amrl_mse: str | None = None,
) -> FayHerriotFit:
    """Fit the Fay–Herriot model and return EBLUPs, MSEs and diagnostics.

    direct: direct estimates (NaN for areas without sample, which get synthetic estimates);
    sampling_var: their sampling variances (> 0 where direct is given); X: covariates, a
    DataFrame (its column names and index label the errors) or an array, without intercept
    unless `add_intercept=False`. `method`: "REML" (default, as sae), "ML" or "AMRL" (adjusted
    REML, see the module notes). `tol`: relative precision of sigma2_u (default: the setting
    `small_area_tolerance`; sae's PRECISION = 1e-4 reproduces sae's REML/ML iterations);
    `max_iter`: sae's MAXITER. `amrl_mse` (AMRL only; default: the setting
    `small_area_amrl_mse`): "prasad_rao" = g1 + g2 + 2 g3, or "li_lahiri" = minus Li and
    Lahiri's term, as emdi (where that is <= 0, the area keeps Prasad–Rao's). Check
    `convergence.converged`. Raises UserError (French) for a missing covariate value, collinear
    covariates or fewer sampled areas than parameters.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    defaults = settings_mod.resolve()
    tol = defaults["small_area_tolerance"] if tol is None else tol
    amrl_mse = defaults["small_area_amrl_mse"] if amrl_mse is None else amrl_mse
    if amrl_mse not in AMRL_MSE:
        raise ValueError(f"amrl_mse must be one of {AMRL_MSE}")
    direct, psi_all, X_all, names, sampled, area_ids = _check_inputs(direct, sampling_var, X, area_ids, add_intercept)
    y, X, psi = direct[sampled], X_all[sampled], psi_all[sampled]
    if method == "AMRL":
        A, convergence = _adjusted_reml(y, X, psi, max_iter, tol)
    else:
        A, convergence = _fisher_scoring(y, X, psi, method, max_iter, tol)
    v = 1.0 / (A + psi)
    beta, Q, residual = _gls(y, X, v)

    m_all = len(direct)
    B = np.ones(m_all)  # B_i = psi_i / (A + psi_i): weight of the synthetic part; 1 without sample
    B[sampled] = psi * v
    synthetic = X_all @ beta
    estimate = synthetic.copy()
    estimate[sampled] = y - B[sampled] * residual
    sum_v2 = np.sum(v**2)
    var_A = 2.0 / sum_v2  # asymptotic variance of the REML/ML estimator of sigma2_u
    g1 = np.where(sampled, psi_all * (1 - B), A)
    g2 = B**2 * np.einsum("ij,jk,ik->i", X_all, Q, X_all)
    g3 = np.zeros(m_all)
    g3[sampled] = B[sampled] ** 2 * var_A * v
    prasad_rao = g1 + g2 + 2 * g3
    bias = _sigma2_u_bias(method, A, X, v, Q) if (method != "AMRL" or amrl_mse == "li_lahiri") else 0.0
    bias_correction = np.where(prasad_rao - B**2 * bias > 0, B**2 * bias, 0.0)
    mse = prasad_rao - bias_correction
    std_residual = np.full(m_all, np.nan)
    std_residual[sampled] = residual * np.sqrt(v)
    loglike = -0.5 * float(np.sum(np.log(2 * np.pi / v) + residual**2 * v))
    return FayHerriotFit(
        method=method,
        area_ids=area_ids,
        covariate_names=names,
        sigma2_u=float(A),
        sigma2_u_se=float(math.sqrt(var_A)),
        beta=_frozen(beta),
        beta_se=_frozen(np.sqrt(np.diag(Q))),
        direct=_frozen(direct),
        sampling_var=_frozen(np.where(sampled, psi_all, np.nan)),
        sampled=_frozen_mask(sampled),
        synthetic=_frozen(synthetic),
        gamma=_frozen(1 - B),
        estimate=_frozen(estimate),
        g1=_frozen(g1),
        g2=_frozen(g2),
        g3=_frozen(g3),
        bias_correction=_frozen(bias_correction),
        mse=_frozen(mse),
        std_residual=_frozen(std_residual),
        loglike=loglike,
        convergence=convergence,
    )


# --- proportions: arcsine-square-root scale, generalised variance function ----------------


def effective_sizes(share, variance, n, *, min_n: int = 30) -> tuple[np.ndarray, float, np.ndarray]:
    """Effective sample sizes n_eff = n / deff, with a generalised variance function (GVF).

    An area keeps its own design effect deff_i = variance_i * n_i / (share_i (1 - share_i))
    when n_i >= min_n and 0 < share_i < 1; otherwise (tiny n, or everyone gave the same answer
    so the direct variance is 0) it gets the pooled design effect: the n-weighted mean of the
    deff_i of areas with n >= 2 and 0 < share < 1. Returns (n_eff, pooled_deff, smoothed).
    """
    share, variance, n = (np.asarray(a, dtype=float) for a in (share, variance, n))
    informative = (n >= 2) & (share > 0) & (share < 1) & np.isfinite(variance) & (variance > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = variance * n / (share * (1 - share))
    pooled = float(np.sum(n[informative] * deff[informative]) / np.sum(n[informative])) if informative.any() else 1.0
    own = informative & (n >= min_n)
    return n / np.where(own, deff, pooled), pooled, (n > 0) & ~own


def arcsine(share, n_eff) -> np.ndarray:
    """Anscombe's arcsine transform asin(sqrt((n p + 3/8) / (n + 3/4))), n = effective size.

    Unlike asin(sqrt(p)), whose bias is of order 1/n (about -1 point at n = 18, p = 0.18), its
    bias is of order 1/n^2, and it stays informative at p = 0 or 1.
    """
    share, n_eff = np.asarray(share, dtype=float), np.asarray(n_eff, dtype=float)
    return np.arcsin(np.sqrt((n_eff * share + 3 / 8) / (n_eff + 3 / 4)))


def anscombe_variance(n_eff, share) -> np.ndarray:
    """Exact variance of Anscombe's transform for X ~ Binomial(n_eff, share).

    Non-integer n_eff is interpolated linearly between its floor and ceiling. At small n and
    small shares the variance is well below the asymptotic 1 / (4 n + 2) (0.82 times it at
    n = 12, p = 0.1): the asymptotic value would inflate the sampling variances there and make
    the model variance sigma2_u look smaller than it is.
    """
    n_eff, share = np.broadcast_arrays(np.asarray(n_eff, dtype=float), np.asarray(share, dtype=float))
    low = np.maximum(np.floor(n_eff), 1.0)
    frac = np.clip(n_eff - low, 0.0, 1.0)
    return (1 - frac) * _binomial_anscombe_variance(low, share) + frac * _binomial_anscombe_variance(low + 1, share)


def _binomial_anscombe_variance(size: np.ndarray, share: np.ndarray) -> np.ndarray:
    x = np.arange(int(size.max()) + 1)[None, :]
    n = size[:, None]
    pmf = np.where(x <= n, sps.binom.pmf(x, n, np.clip(share, 1e-6, 1 - 1e-6)[:, None]), 0.0)
    theta = np.arcsin(np.sqrt(np.minimum((x + 3 / 8) / (n + 3 / 4), 1.0)))
    mean = np.sum(pmf * theta, axis=1)
    return np.sum(pmf * (theta - mean[:, None]) ** 2, axis=1)


def sin2_moments(mean, variance) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of sin(T)^2 for T ~ N(mean, variance), in closed form.

    sin^2 = (1 - cos 2T) / 2, sin^4 = (3 - 4 cos 2T + cos 4T) / 8 and E cos(kT) =
    cos(k mean) exp(-k^2 variance / 2).
    """
    mean, variance = np.asarray(mean, dtype=float), np.asarray(variance, dtype=float)
    e2 = np.cos(2 * mean) * np.exp(-2 * variance)
    e4 = np.cos(4 * mean) * np.exp(-8 * variance)
    first = (1 - e2) / 2
    second = (3 - 4 * e2 + e4) / 8
    return first, np.maximum(second - first**2, 0.0)


def share_interval(theta, mse, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval of a share from its arcsine-scale estimate: sin^2(theta -/+ z sqrt(MSE)), theta
    clipped to [0, pi/2] so that both bounds stay in [0, 1]."""
    half = float(sps.norm.ppf(0.5 + level / 2)) * np.sqrt(np.asarray(mse, dtype=float))
    theta = np.asarray(theta, dtype=float)
    return np.sin(np.clip(theta - half, 0, np.pi / 2)) ** 2, np.sin(np.clip(theta + half, 0, np.pi / 2)) ** 2


@dataclass(frozen=True)
class ProportionEstimates:
    """Model-based shares by area and the Fay–Herriot fit behind them (arcsine scale).

    `table` columns: area, n_unweighted, direct, direct_se, estimate, se, ci_low, ci_high,
    method ("EBLUP" or "synthétique"), gamma, variance_smoothed (the pooled design effect was
    used), std_residual, theta, theta_mse (model scale, for simulations).
    """

    fit: FayHerriotFit
    table: pd.DataFrame
    pooled_deff: float
    level: float


def fit_proportions(
    direct: pd.DataFrame,
    covariates: pd.DataFrame,
    *,
    method: str = "AMRL",
    min_n: int = 30,
    level: float = 0.95,
    amrl_mse: str | None = None,
    tol: float | None = None,
) -> ProportionEstimates:
    """Fay–Herriot estimates of a share for every area of `covariates` (its index: area codes).

    direct: indexed by area code, columns `estimate`, `se`, `n_unweighted` (the engine's
    estimate table); areas missing from it or with n_unweighted == 0 get synthetic estimates.
    Sampling variances come from the GVF: the exact variance of the transform for a binomial
    with the effective size and the share predicted by a first fit (whose variances use the
    mean share). Estimates are sin^2(theta_hat); intervals are sin^2(theta_hat -/+ z sqrt(MSE))
    with theta clipped to [0, pi/2], so both stay in [0, 1]; `se` is the standard deviation of
    sin^2 T for T ~ N(theta_hat, MSE), a summary for tables (intervals do not use it).
    `amrl_mse`, `tol`: see `fay_herriot`.
    """
    unknown = direct.index.difference(covariates.index)
    if len(unknown):
        raise UserError(
            f"{len(unknown)} zone(s) des estimations directes absente(s) du fichier des covariables : "
            f"{', '.join(map(str, unknown[:5]))}.",
            "Vérifiez que le fichier des covariables couvre toutes les zones (codes IRIS à 9 caractères).",
        )
    aligned = direct.reindex(covariates.index)
    n = aligned["n_unweighted"].fillna(0).to_numpy(dtype=float)
    share = np.where(n > 0, aligned["estimate"].to_numpy(dtype=float), np.nan)
    variance = aligned["se"].to_numpy(dtype=float) ** 2
    n_eff, pooled, smoothed = effective_sizes(share, variance, n, min_n=min_n)
    sampled = n > 0
    theta_direct = np.where(sampled, arcsine(share, n_eff), np.nan)
    psi = np.full(len(n), np.nan)
    psi[sampled] = anscombe_variance(n_eff[sampled], np.average(share[sampled], weights=n[sampled]))
    fit = fay_herriot(theta_direct, psi, covariates, method, area_ids=tuple(covariates.index), tol=tol)
    psi[sampled] = anscombe_variance(n_eff[sampled], np.sin(fit.synthetic[sampled]) ** 2)
    fit = fay_herriot(theta_direct, psi, covariates, method, area_ids=tuple(covariates.index), amrl_mse=amrl_mse,
                      tol=tol)
    if not fit.convergence.converged:
        raise UserError(
            f"L'estimation de la variance du modèle n'a pas convergé ({fit.convergence.iterations} itérations).",
            "Vérifiez les covariables (valeurs aberrantes, échelles très différentes) ou utilisez-en moins.",
        )
    theta, mse = np.asarray(fit.estimate), np.asarray(fit.mse)
    ci_low, ci_high = share_interval(theta, mse, level)
    table = pd.DataFrame(
        {
            "area": covariates.index.to_numpy(),
            "n_unweighted": n.astype(int),
            "direct": share,
            "direct_se": np.where(sampled, np.sqrt(variance), np.nan),
            "estimate": np.sin(theta) ** 2,
            "se": np.sqrt(sin2_moments(theta, mse)[1]),
            "ci_low": ci_low,
            "ci_high": ci_high,
            "method": np.where(sampled, "EBLUP", "synthétique"),
            "gamma": np.asarray(fit.gamma),
            "variance_smoothed": smoothed,
            "std_residual": np.asarray(fit.std_residual),
            "theta": theta,
            "theta_mse": mse,
        }
    )
    return ProportionEstimates(fit=fit, table=table, pooled_deff=pooled, level=level)

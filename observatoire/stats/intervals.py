"""Confidence-interval methods, by name (the name travels with every estimate row).

All functions are vectorised over domains. `df` is the design's degrees of freedom for the
domain (PSUs minus strata), `design_rows` the number of rows of the design R would see
(Korn-Graubard uses it), `kish_n` the Kish effective size (Wilson's fallback when se = 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from observatoire.errors import UserError
from observatoire.stats.glm_logit import r_expit, wald_quantile


@dataclass(frozen=True)
class IntervalInput:
    estimate: np.ndarray
    se: np.ndarray
    df: np.ndarray
    design_rows: np.ndarray
    kish_n: np.ndarray
    level: float = 0.95
    logit_se: np.ndarray | None = None  # se of logit(p) from R's svyglm fit (glm_logit.py)


def _t_quantile(q: float, df: np.ndarray) -> np.ndarray:
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, stats.t.ppf(q, np.where(df > 0, df, 1.0)), np.nan)


def wald(x: IntervalInput):
    """estimate ± z se (R's confint() default, df = Inf)."""
    z = stats.norm.ppf(0.5 + x.level / 2)
    return x.estimate - z * x.se, x.estimate + z * x.se


def wald_t(x: IntervalInput):
    """estimate ± t(df) se, df = design degrees of freedom."""
    t = _t_quantile(0.5 + x.level / 2, x.df)
    return x.estimate - t * x.se, x.estimate + t * x.se


def _interior(p: np.ndarray) -> np.ndarray:
    return (p > 0) & (p < 1)


def logit(x: IntervalInput):
    """svyciprop(method = "logit"): expit(logit(p) ± t(df) se_logit), se_logit = se / (p(1-p))
    unless given by the glm fit; none for p in {0, 1} (R's arithmetic, see glm_logit.py)."""
    p = x.estimate
    ok = _interior(p)
    q = np.where(ok, p, 0.5)
    se_logit = x.se / (q * (1 - q)) if x.logit_se is None else x.logit_se
    with np.errstate(invalid="ignore"):  # infinite quantile (df = 1) times se = 0: NaN, as R
        half = wald_quantile(x.level, x.df) * se_logit
        centre = special.logit(q)
        low, high = r_expit(centre - half), r_expit(centre + half)
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def beta(x: IntervalInput):
    """Korn-Graubard, as svyciprop(method = "beta"): effective n = p(1-p)/se² times
    (t(n-1)/t(df))², then Clopper-Pearson beta quantiles; none for p in {0, 1}."""
    p, alpha = x.estimate, 1 - x.level
    ok = _interior(p) & (x.se > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = _t_quantile(alpha / 2, x.design_rows - 1) / _t_quantile(alpha / 2, x.df)
        n_eff = p * (1 - p) / np.square(x.se) * np.square(ratio)
        low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
        high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def wilson(x: IntervalInput):
    """Wilson score interval with the design-based effective size p(1-p)/se² (Kish's n_eff =
    (Σw)²/Σw² when se = 0, e.g. p = 0): stays inside [0, 1] and exists for p in {0, 1}."""
    p = x.estimate
    z = stats.norm.ppf(0.5 + x.level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(x.se > 0, p * (1 - p) / np.square(x.se), x.kish_n)
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


BOUNDARY_METHOD = "clopper_pearson_kish"


def boundary_fill(method: str, x: IntervalInput, low: np.ndarray, high: np.ndarray):
    """Give a share of exactly 0 or 1 the exact (Clopper-Pearson) interval with Kish's effective
    size, where `method` has none (logit and beta, as R): for p = 0, [0 ; 1 - (α/2)^(1/n)].
    A published 0 % must not look certain. Returns (low, high, per-row method names)."""
    p, alpha = x.estimate, 1 - x.level
    fill = np.isnan(low) & ((p == 0) | (p == 1)) & (x.kish_n > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = np.power(alpha / 2, 1 / x.kish_n)
    low = np.where(fill, np.where(p == 0, 0.0, bound), low)
    high = np.where(fill, np.where(p == 0, 1 - bound, 1.0), high)
    return low, high, np.where(fill, BOUNDARY_METHOD, method).astype(object)


@dataclass(frozen=True)
class Method:
    compute: Callable[[IntervalInput], tuple[np.ndarray, np.ndarray]]
    proportion_only: bool
    label_fr: str


METHODS: dict[str, Method] = {
    "wald": Method(wald, False, "Wald (loi normale)"),
    "wald_t": Method(wald_t, False, "Wald avec la loi de Student aux degrés de liberté du plan"),
    "logit": Method(
        logit, True, "logit (intervalle calculé sur l'échelle logit puis ramené entre 0 et 1, comme le paquet R survey)"
    ),
    "beta": Method(beta, True, "bêta de Korn et Graubard (comme le paquet R survey)"),
    "wilson": Method(wilson, True, "Wilson sur l'effectif efficace"),
}


def confidence_interval(method: str, x: IntervalInput, proportion: bool):
    """(low, high) arrays for `method`; proportion-only methods are refused for means/totals."""
    if method not in METHODS:
        raise UserError(f"Méthode d'intervalle inconnue : « {method} ».", f"Choix : {', '.join(METHODS)}.")
    if METHODS[method].proportion_only and not proportion:
        raise UserError(
            f"La méthode « {method} » ne s'applique qu'aux proportions.",
            "Pour une moyenne, un total ou un ratio, utilisez wald ou wald_t.",
        )
    return METHODS[method].compute(x)

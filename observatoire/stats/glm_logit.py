"""R's `svyciprop(method = "logit")`, reproduced to the last digit R prints.

R fits `svyglm(y ~ 1, family = quasibinomial)` by IRLS (glm.fit: per-row starting values, stop
when |dev - dev_old| / (|dev| + 0.1) < 1e-8). Inside (0, 1) the fit equals the weighted mean to
~1e-9; at a domain proportion of 0 or 1 it stops near 1e-10 (or 1 - 1e-10) and R still reports
that value and, when the domain has enough degrees of freedom, an interval around it. The
interval is `confint.svyglm(ddf = df)`, computed as a normal interval at the level
1 - 2 pnorm(qt(alpha/2, df)), which rounds to 1 (an infinite interval) for df = 1: we keep that
arithmetic so every null and every bound matches R.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

EPSILON, MAX_ITER = 1e-8, 25  # glm.control()
DBL_EPSILON = np.finfo(float).eps


def _linkinv(eta: np.ndarray) -> np.ndarray:
    tmp = np.where(eta < -30, DBL_EPSILON, np.where(eta > 30, 1 / DBL_EPSILON, np.exp(np.clip(eta, -30, 30))))
    return tmp / (1 + tmp)


def _mu_eta(eta: np.ndarray) -> np.ndarray:
    e = np.exp(np.clip(eta, -30, 30))
    return np.where((eta > 30) | (eta < -30), DBL_EPSILON, e / np.square(1 + e))


def _deviance_rows(y, mu, a):
    with np.errstate(divide="ignore", invalid="ignore"):
        part1 = np.where(y != 0, y * np.log(y / mu), 0.0)
        part0 = np.where(y != 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0)
    return 2 * a * (part1 + part0)


def fit_intercept(y: np.ndarray, d: np.ndarray, a: np.ndarray, m: int) -> np.ndarray:
    """IRLS estimate of each domain's proportion; rows (y in {0,1}, domain d, prior weight a)."""
    mu_rows = (a * y + 0.5) / (a + 1)
    eta_rows = np.log(mu_rows / (1 - mu_rows))
    dev_old = np.bincount(d, _deviance_rows(y, mu_rows, a), m)
    # first iteration: per-row working values
    me = _mu_eta(eta_rows)
    work = a * np.square(me) / (mu_rows * (1 - mu_rows))
    eta = np.bincount(d, work * (eta_rows + (y - mu_rows) / me), m) / np.bincount(d, work, m)
    a_total, s1 = np.bincount(d, a, m), np.bincount(d, a * y, m)
    s0 = a_total - s1
    active = np.ones(m, dtype=bool)
    for iteration in range(1, MAX_ITER + 1):
        mu = _linkinv(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = -2 * (np.where(s1 > 0, s1 * np.log(mu), 0) + np.where(s0 > 0, s0 * np.log(1 - mu), 0))
        active &= np.abs(dev - dev_old) / (np.abs(dev) + 0.1) >= EPSILON
        if not active.any() or iteration == MAX_ITER:
            break
        dev_old = np.where(active, dev, dev_old)
        step = (s1 / a_total - mu) / _mu_eta(eta)
        eta = np.where(active, eta + step, eta)
    return _linkinv(eta)


def r_expit(x: np.ndarray) -> np.ndarray:
    """svyciprop's expit, exp(x) / (1 + exp(x)): NaN at +Inf, as in R."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / (1 + e)


def wald_quantile(level: float, df: np.ndarray) -> np.ndarray:
    """confint.svyglm(ddf = df): qnorm of the level 1 - 2 pnorm(qt(alpha/2, df))."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        t = np.where(df > 0, stats.t.ppf((1 - level) / 2, np.where(df > 0, df, 1.0)), np.nan)
        t_level = 1 - 2 * stats.norm.cdf(t)
        return stats.norm.ppf(1 - (1 - t_level) / 2)

"""Projection of an indicator to its target year: OLS linear trend with a 95 % prediction interval.

The probability of reaching the target is read from the predictive distribution of a new
observation at the target year: Student t with n - 2 degrees of freedom, centred on the fitted
value, scale sqrt(se_mean² + sigma²) (the same quantities as statsmodels' `obs_ci_*`). With fewer
than three points there is no residual variance to estimate, so no projection is made and the
reason says so: a line through two points would look certain and is not.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from observatoire.indicators.catalog import Indicator

MIN_POINTS = 3
ALPHA = 0.05
PROJECTION_METHOD = "ols_linear_trend"


def _blank(reason: str) -> dict:
    return {"projection_year": None, "projection_2026": None, "projection_low": None, "projection_high": None,
            "projection_probability": None, "projection_df": None, "projection_slope": None, "projection_points": None,
            "projection_method": PROJECTION_METHOD, "projection_reason": reason}


def project(indicator: Indicator, series: pd.DataFrame, year: int = 2026) -> dict:
    """Fit value ~ year on a headline series (columns year, value) and predict `year`."""
    if indicator.direction == "binary":
        return _blank("indicateur binaire : pas de tendance linéaire")
    if series["year"].duplicated().any():
        return _blank("plusieurs valeurs pour la même année : pas de projection")
    n = len(series)
    if n < MIN_POINTS:
        return _blank(f"{n} point(s) seulement : au moins {MIN_POINTS} sont nécessaires pour une projection "
                      "avec son incertitude")
    x = sm.add_constant(series["year"].astype(float).to_numpy() - year, has_constant="add")
    fit = sm.OLS(series["value"].astype(float).to_numpy(), x).fit()
    frame = fit.get_prediction(np.array([[1.0, 0.0]])).summary_frame(alpha=ALPHA).iloc[0]
    mean = float(frame["mean"])
    scale = math.sqrt(float(frame["mean_se"]) ** 2 + float(fit.scale))
    df = int(fit.df_resid)
    out = _blank("")
    out.update(projection_year=year, projection_2026=mean, projection_low=float(frame["obs_ci_lower"]),
               projection_high=float(frame["obs_ci_upper"]), projection_df=df, projection_slope=float(fit.params[1]),
               projection_points=n,
               projection_probability=reach_probability(indicator, mean, scale, df))
    if n < 5:
        out["projection_reason"] = f"{n} points seulement : intervalle de prédiction large, à lire avec prudence"
    return out


def reach_probability(indicator: Indicator, mean: float, scale: float, df: int) -> float | None:
    """P(value at the target year meets the target) under the predictive t distribution."""
    if indicator.direction == "band":
        low, high = indicator.band.low, indicator.band.high
        return _cdf(high, mean, scale, df) - _cdf(low, mean, scale, df)
    if indicator.target is None:
        return None
    below = _cdf(indicator.target, mean, scale, df)
    return 1 - below if indicator.direction == "increase" else below


def _cdf(x: float, mean: float, scale: float, df: int) -> float:
    if scale == 0:  # a perfectly straight series: the fitted line is the whole distribution
        return 1.0 if x >= mean else 0.0
    return float(stats.t.cdf((x - mean) / scale, df))

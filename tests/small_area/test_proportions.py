"""Shares by area on the arcsine scale: transform, GVF, back-transform, edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from observatoire.errors import UserError
from observatoire.stats.small_area import (
    anscombe_variance,
    arcsine,
    effective_sizes,
    fay_herriot,
    fit_proportions,
    sin2_moments,
)


@pytest.mark.parametrize("n, share", [(1, 0.2), (5, 0.1), (12, 0.18), (18, 0.3), (60, 0.5)])
def test_anscombe_variance_is_the_binomial_variance_of_the_transform(n, share):
    x = np.arange(n + 1)
    pmf = sps.binom.pmf(x, n, share)
    theta = arcsine(x / n, np.full(n + 1, float(n)))
    expected = np.sum(pmf * theta**2) - np.sum(pmf * theta) ** 2
    assert anscombe_variance(np.array([float(n)]), np.array([share]))[0] == pytest.approx(expected, rel=1e-10)


def test_anscombe_variance_interpolates_and_tends_to_asymptote():
    mid = anscombe_variance(np.array([12.5]), np.array([0.2]))[0]
    ends = anscombe_variance(np.array([12.0, 13.0]), np.array([0.2, 0.2]))
    assert mid == pytest.approx(ends.mean())
    assert anscombe_variance(np.array([400.0]), np.array([0.3]))[0] == pytest.approx(1 / (4 * 400 + 2), rel=0.01)


def test_sin2_moments_match_monte_carlo():
    rng = np.random.default_rng(3)
    draws = np.sin(rng.normal(0.45, 0.12, 400_000)) ** 2
    mean, variance = sin2_moments(0.45, 0.12**2)
    assert mean == pytest.approx(draws.mean(), abs=1e-3)
    assert variance == pytest.approx(draws.var(), rel=1e-2)


def test_effective_sizes_pool_the_design_effect_for_small_and_degenerate_areas():
    share = np.array([0.2, 0.0, 0.3, 0.25])
    n = np.array([100.0, 12.0, 10.0, 0.0])
    variance = np.array([0.2 * 0.8 / 100 * 1.5, 0.0, 0.3 * 0.7 / 10 * 1.2, np.nan])
    n_eff, pooled, smoothed = effective_sizes(share, variance, n)
    assert pooled == pytest.approx((100 * 1.5 + 10 * 1.2) / 110)
    assert n_eff[0] == pytest.approx(100 / 1.5)  # n >= 30: its own design effect
    assert n_eff[1] == pytest.approx(12 / pooled) and n_eff[2] == pytest.approx(10 / pooled)
    assert list(smoothed) == [False, True, True, False]


def test_area_without_respondent_gets_synthetic_estimate_with_mse(synthetic_case):
    direct, X, _ = synthetic_case
    result = fit_proportions(direct, X)
    table = result.table.set_index("area")
    empty = table.iloc[:3]
    assert (empty["method"] == "synthétique").all()
    assert (empty["n_unweighted"] == 0).all() and empty["direct"].isna().all()
    assert (empty["gamma"] == 0).all()
    np.testing.assert_allclose(empty["theta"], result.fit.synthetic[:3])
    np.testing.assert_allclose(empty["theta_mse"], result.fit.sigma2_u + result.fit.g2[:3])
    assert empty["theta_mse"].gt(result.fit.sigma2_u).all()
    assert ((empty["ci_low"] < empty["estimate"]) & (empty["estimate"] < empty["ci_high"])).all()


def test_area_where_everyone_answered_the_same(synthetic_case):
    direct, X, _ = synthetic_case
    direct = direct.copy()
    direct.iloc[10] = [0.0, 0.0, 25]  # 25 respondents, none in difficulty: direct variance 0
    direct.iloc[11] = [1.0, 0.0, 8]
    table = fit_proportions(direct, X).table.set_index("area")
    for i in (10, 11):
        row = table.iloc[i]
        assert row["variance_smoothed"]
        assert 0 < row["estimate"] < 1 and 0 < row["theta_mse"]
        assert 0 <= row["ci_low"] < row["estimate"] < row["ci_high"] <= 1
    assert table.iloc[10]["estimate"] > 0.0 and table.iloc[11]["estimate"] < 1.0


def test_estimates_and_intervals_stay_in_unit_interval(synthetic_case):
    direct, X, truth = synthetic_case
    table = fit_proportions(direct, X).table
    assert table[["estimate", "ci_low", "ci_high"]].stack().between(0, 1).all()
    assert (table["ci_low"] <= table["estimate"]).all() and (table["estimate"] <= table["ci_high"]).all()
    sampled = table["n_unweighted"] > 0
    model_error = np.mean((table["estimate"] - truth.to_numpy())[sampled] ** 2)
    direct_error = np.mean((table["direct"] - truth.to_numpy())[sampled] ** 2)
    assert model_error < direct_error


def test_direct_area_missing_from_covariates_is_refused(synthetic_case):
    direct, X, _ = synthetic_case
    with pytest.raises(UserError, match="absente"):
        fit_proportions(direct, X.iloc[1:])


def test_amrl_variance_is_positive_where_reml_is_zero():
    rng = np.random.default_rng(1)
    x = rng.normal(size=40)
    y = 1 + 2 * x + rng.normal(scale=0.01, size=40)
    X = pd.DataFrame({"x": x})
    reml = fay_herriot(y, np.full(40, 1.0), X, "REML")
    amrl = fay_herriot(y, np.full(40, 1.0), X, "AMRL")
    assert reml.sigma2_u == 0 and amrl.sigma2_u > 0
    assert amrl.convergence.converged and (np.asarray(amrl.mse) > 0).all()


def test_amrl_maximises_the_adjusted_restricted_likelihood(synthetic_case):
    direct, X, _ = synthetic_case
    fit = fit_proportions(direct, X).fit
    sampled = np.asarray(fit.sampled)
    y, psi = np.asarray(fit.direct)[sampled], np.asarray(fit.sampling_var)[sampled]
    Xm = np.column_stack([np.ones(sampled.sum()), X.to_numpy()[sampled]])

    def adjusted(A):  # log A + restricted log-likelihood (up to a constant)
        v = 1 / (A + psi)
        XtV = Xm.T * v
        Q = np.linalg.inv(XtV @ Xm)
        r = y - Xm @ (Q @ (XtV @ y))
        return np.log(A) - 0.5 * (np.sum(np.log(A + psi)) + np.linalg.slogdet(XtV @ Xm)[1] + np.sum(v * r**2))

    best = fit.sigma2_u
    assert adjusted(best) >= max(adjusted(best * 0.9), adjusted(best * 1.1))

"""Fay–Herriot model: reference values (R sae, samplics) and input edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from observatoire.errors import UserError
from observatoire.stats.small_area import fay_herriot

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "milk_expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def milk():
    frame = pd.read_csv(DATA / "milk.csv")
    X = pd.get_dummies(frame["MajorArea"], prefix="major", drop_first=True).astype(float)
    return frame["yi"].to_numpy(), (frame["SD"] ** 2).to_numpy(), X


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_matches_sae_published_values(milk, method):
    y, psi, X = milk
    expected = EXPECTED["sae_published"][method]
    fit = fay_herriot(y, psi, X, method)
    np.testing.assert_allclose(fit.beta, expected["beta"], atol=1e-6)
    np.testing.assert_allclose(fit.beta_se, expected["beta_se"], atol=1e-6)
    np.testing.assert_allclose(fit.estimate, expected["eblup"], atol=1e-6)
    np.testing.assert_allclose(fit.mse, expected["mse"], atol=1e-6)
    assert fit.convergence.converged


def test_reml_iterations_and_loglike_as_sae(milk):
    fit = fay_herriot(*milk, "REML", tol=1e-4)  # sae's PRECISION
    assert fit.convergence.iterations == EXPECTED["sae_published"]["REML"]["iterations"]
    assert fit.loglike == pytest.approx(EXPECTED["sae_published"]["REML"]["loglike"], abs=1e-5)


def test_matches_samplics_when_fully_converged(milk):
    expected = EXPECTED["samplics_live"]["REML"]
    fit = fay_herriot(*milk, "REML", tol=1e-10)
    assert fit.sigma2_u == pytest.approx(expected["sigma2_u"], abs=1e-9)
    np.testing.assert_allclose(fit.beta, expected["beta"], atol=1e-9)
    np.testing.assert_allclose(fit.estimate, expected["eblup"], atol=1e-9)
    np.testing.assert_allclose(fit.mse, expected["mse"], atol=1e-9)


def test_sigma2_u_with_sae_defaults_is_within_1e6_of_the_converged_value(milk):
    sae_like = fay_herriot(*milk, "REML", tol=1e-4)
    assert sae_like.sigma2_u == pytest.approx(EXPECTED["samplics_live"]["REML"]["sigma2_u"], abs=1e-6)


def test_eblup_is_shrinkage_between_direct_and_synthetic(milk):
    y, psi, X = milk
    fit = fay_herriot(y, psi, X)
    np.testing.assert_allclose(fit.estimate, fit.gamma * y + (1 - fit.gamma) * fit.synthetic)
    np.testing.assert_allclose(fit.gamma, fit.sigma2_u / (fit.sigma2_u + psi))
    assert (fit.mse < psi).all()
    areas = fit.areas()
    assert list(areas["area"]) == list(X.index)
    assert areas["mse_to_direct_var"].lt(1).all()


def test_area_without_sample_gets_synthetic_estimate_and_larger_mse(milk):
    y, psi, X = milk
    y_missing = y.copy()
    y_missing[[0, 30]] = np.nan
    fit = fay_herriot(y_missing, psi, X)
    design = np.column_stack([np.ones(len(X)), X.to_numpy()])
    used = design[fit.sampled]
    beta_cov = np.linalg.inv((used.T / (fit.sigma2_u + psi[fit.sampled])) @ used)
    for i in (0, 30):
        assert not fit.sampled[i]
        assert fit.gamma[i] == 0
        assert fit.estimate[i] == pytest.approx(design[i] @ fit.beta)
        assert fit.mse[i] == pytest.approx(fit.sigma2_u + design[i] @ beta_cov @ design[i])
        assert fit.mse[i] > fit.mse[fit.sampled].max()
    assert np.isnan(fit.std_residual[0])


def test_results_are_read_only(milk):
    fit = fay_herriot(*milk)
    with pytest.raises(ValueError):
        fit.estimate[0] = 0.0
    with pytest.raises(AttributeError):
        fit.sigma2_u = 1.0  # type: ignore[misc]


def test_diagnostics_are_plain_data(milk):
    fit = fay_herriot(*milk)
    diagnostics = fit.diagnostics()
    assert diagnostics["n_sampled"] == 43 and diagnostics["n_parameters"] == 4
    assert diagnostics["aic"] == pytest.approx(-15.35496, abs=1e-4)  # saens README
    coefficients = fit.coefficients()
    assert list(coefficients["covariate"]) == ["constante", "major_2", "major_3", "major_4"]
    assert coefficients["p_value"].between(0, 1).all()


def test_zero_model_variance_gives_synthetic_estimates():
    rng = np.random.default_rng(1)
    x = rng.normal(size=40)
    y = 1 + 2 * x + rng.normal(scale=0.01, size=40)  # residuals far below the sampling variance
    fit = fay_herriot(y, np.full(40, 1.0), pd.DataFrame({"x": x}))
    assert fit.sigma2_u == 0
    np.testing.assert_allclose(fit.estimate, fit.synthetic)
    assert fit.convergence.converged


def test_missing_covariate_value_names_area_and_column(milk):
    y, psi, X = milk
    X = X.copy()
    X.index = [f"33063{i:04d}" for i in range(len(X))]
    X.iloc[5, 1] = np.nan
    with pytest.raises(UserError) as err:
        fay_herriot(y, psi, X)
    assert "major_3" in err.value.message
    assert "330630005" in err.value.message


def test_collinear_covariates_are_named(milk):
    y, psi, X = milk
    X = X.assign(total=X["major_2"] + 2 * X["major_3"], other=np.arange(len(X), dtype=float))
    with pytest.raises(UserError) as err:
        fay_herriot(y, psi, X)
    message = err.value.message
    assert "colinéaires" in message
    assert all(name in message for name in ("major_2", "major_3", "total"))
    assert "major_4" not in message and "other" not in message


def test_constant_covariate_is_collinear_with_intercept(milk):
    y, psi, X = milk
    with pytest.raises(UserError, match="constante.*flat"):
        fay_herriot(y, psi, X.assign(flat=0.5))


def test_fewer_areas_than_parameters():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 5.0]})
    with pytest.raises(UserError, match="Trop peu"):
        fay_herriot([0.1, 0.2, np.nan], [0.01, 0.01, 0.01], X)


def test_zero_sampling_variance_is_refused(milk):
    y, psi, X = milk
    psi = psi.copy()
    psi[3] = 0.0
    with pytest.raises(UserError, match="Variance"):
        fay_herriot(y, psi, X)


def test_unknown_method():
    with pytest.raises(ValueError):
        fay_herriot([1.0], [1.0], np.ones((1, 1)), "FH")

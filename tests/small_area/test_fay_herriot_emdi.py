"""Fay–Herriot against R emdi's stored test values (data/emdi/, see data/SOURCES.md) and properties.

emdi 2.2.3 tests/testthat/test_fh_variance.R fits `Mean ~ cash + self_empl` on 15 districts of
its eusilcA data with method "reml", "ml" and "amrl" (MSE = TRUE) and compares with its stored
*_modelfit.csv at 1e-5; here at 1e-6 with the engine's default tolerance. tests/testthat/
test_fh_std_spatial_robust.R compares emdi with R sae's mseFH on a 15-area subset of milk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatoire import settings as settings_mod
from observatoire.stats.small_area import fay_herriot

EMDI = Path(__file__).parent / "data" / "emdi"


@pytest.fixture(scope="module")
def eusilc():
    data = pd.read_csv(EMDI / "eusilcA_fh.csv")
    return data["Mean"].to_numpy(), data["Var_Mean"].to_numpy(), data[["cash", "self_empl"]]


def _emdi(method):
    return pd.read_csv(EMDI / f"{method}_modelfit.csv")


@pytest.mark.parametrize(("method", "amrl_mse"), [("REML", None), ("ML", None), ("AMRL", "li_lahiri")])
def test_matches_emdi_stored_values(eusilc, method, amrl_mse):
    """emdi's MSE: Prasad–Rao (reml), Datta–Lahiri (ml), Li–Lahiri (amrl)."""
    want = _emdi(method)
    fit = fay_herriot(*eusilc, method, amrl_mse=amrl_mse)
    assert fit.convergence.converged
    assert fit.sigma2_u == pytest.approx(want["variance"][0], rel=1e-6)
    np.testing.assert_allclose(fit.estimate, want["FH"], rtol=1e-6)
    np.testing.assert_allclose(fit.mse, want["MSE"], rtol=1e-6)


def test_amrl_reaches_the_fixed_point_at_the_default_tolerance(eusilc):
    """A stop on a relative change of 1e-4 of the Fisher-scoring iterate left sigma2_u 3.6e-5
    (relative) away from emdi's; the root of the adjusted score is found to the tolerance."""
    fit = fay_herriot(*eusilc, "AMRL")
    assert fit.sigma2_u == pytest.approx(_emdi("AMRL")["variance"][0], rel=2e-8)
    y, psi, X = eusilc
    design = np.column_stack([np.ones(len(y)), X.to_numpy()])
    assert abs(_adjusted_score(fit.sigma2_u, y, psi, design)) < 1e-8 / fit.sigma2_u


def test_default_amrl_mse_is_prasad_rao_emdi_subtracts_li_lahiri(eusilc):
    published = fay_herriot(*eusilc, "AMRL")
    li_lahiri = fay_herriot(*eusilc, "AMRL", amrl_mse="li_lahiri")
    np.testing.assert_allclose(published.mse, published.g1 + published.g2 + 2 * published.g3)
    assert not np.asarray(published.bias_correction).any()
    b = 2 / published.sigma2_u / np.sum(1 / (published.sigma2_u + eusilc[1]) ** 2)  # Li & Lahiri (2010)
    np.testing.assert_allclose(published.mse - _emdi("AMRL")["MSE"], (1 - published.gamma) ** 2 * b, rtol=1e-5)
    np.testing.assert_allclose(li_lahiri.estimate, published.estimate)


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_matches_sae_values_stored_by_emdi(method):
    """sae::mseFH (PRECISION = 1e-4) on emdi's milk subset: identical with sae's stopping rule,
    within 1e-6 of it at the fixed point."""
    data = pd.read_csv(EMDI / "milk_subset.csv")
    X = pd.get_dummies(data["MajorArea"], prefix="major", drop_first=True).astype(float)
    want = pd.read_csv(EMDI / f"fh_{method.lower()}_sae.csv")
    sae_rule = fay_herriot(data["yi"], data["SD"] ** 2, X, method, tol=1e-4)
    converged = fay_herriot(data["yi"], data["SD"] ** 2, X, method)
    for fit, atol in ((sae_rule, 1e-12), (converged, 1e-6)):
        assert fit.sigma2_u == pytest.approx(want["variance"][0], abs=atol)
        np.testing.assert_allclose(fit.estimate, want["EBLUP"], atol=atol)
        np.testing.assert_allclose(fit.mse, want["MSE"], atol=atol)
    assert converged.convergence.iterations > sae_rule.convergence.iterations


def test_tolerance_and_amrl_mse_are_settings_read_by_default(eusilc, monkeypatch):
    for name in ("small_area_tolerance", "small_area_amrl_mse"):
        assert settings_mod.SETTINGS[name].help_fr
    assert fay_herriot(*eusilc, "REML").convergence.iterations > 4
    monkeypatch.setitem(settings_mod.SETTINGS, "small_area_tolerance",
                        settings_mod.Setting("small_area_tolerance", 1e-4, "test"))  # fmt: skip
    assert fay_herriot(*eusilc, "REML").convergence.iterations == 4  # sae's PRECISION
    monkeypatch.setitem(settings_mod.SETTINGS, "small_area_amrl_mse",
                        settings_mod.Setting("small_area_amrl_mse", "li_lahiri", "test", ("prasad_rao", "li_lahiri")))  # fmt: skip
    np.testing.assert_allclose(fay_herriot(*eusilc, "AMRL").mse, _emdi("AMRL")["MSE"], rtol=1e-6)


def test_li_lahiri_mse_never_published_non_positive():
    """With sigma2_u near 0 the Li–Lahiri term exceeds the MSE: Prasad–Rao's is kept there."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=40)
    y = 1 + 2 * x + rng.normal(scale=0.01, size=40)
    args = (y, np.full(40, 1.0), pd.DataFrame({"x": x}), "AMRL")
    prasad_rao, li_lahiri = fay_herriot(*args), fay_herriot(*args, amrl_mse="li_lahiri")
    assert (np.asarray(li_lahiri.mse) > 0).all()
    np.testing.assert_allclose(li_lahiri.mse, prasad_rao.mse)
    assert not np.asarray(li_lahiri.bias_correction).any()


def _adjusted_score(A, y, psi, X):
    """d/dA of log A + restricted log-likelihood, from the m x m matrices (as emdi builds them)."""
    Vi = np.diag(1 / (A + psi))
    P = Vi - Vi @ X @ np.linalg.inv(X.T @ Vi @ X) @ X.T @ Vi
    return 0.5 * (y @ P @ P @ y - np.trace(P)) + 1 / A


@st.composite
def fh_data(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    m = draw(st.integers(12, 60))
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x1": rng.normal(size=m), "x2": rng.uniform(0, 1, m)})
    psi = rng.uniform(0.2, 2.0, m)
    sigma2 = draw(st.floats(0.05, 3.0))
    y = 1 + X.to_numpy() @ [0.5, -1.0] + rng.normal(0, np.sqrt(sigma2), m) + rng.normal(0, np.sqrt(psi))
    return y, psi, X


FAST = settings(max_examples=30, deadline=None)


@FAST
@given(fh_data(), st.sampled_from(["REML", "ML", "AMRL"]), st.floats(0.01, 100.0))
def test_change_of_unit_scales_every_result(data, method, c):
    """y -> c y, psi -> c^2 psi: sigma2_u and MSEs scale by c^2, estimates by c."""
    y, psi, X = data
    fit, scaled = fay_herriot(y, psi, X, method), fay_herriot(c * y, c**2 * psi, X, method)
    assert scaled.sigma2_u == pytest.approx(c**2 * fit.sigma2_u, rel=1e-7, abs=1e-12)
    np.testing.assert_allclose(scaled.estimate, c * np.asarray(fit.estimate), rtol=1e-7, atol=1e-9 * c)
    np.testing.assert_allclose(scaled.mse, c**2 * np.asarray(fit.mse), rtol=1e-6)


@FAST
@given(fh_data(), st.floats(-5, 5), st.floats(-5, 5))
def test_amrl_is_the_positive_root_of_the_adjusted_score_and_regression_equivariant(data, shift, slope):
    y, psi, X = data
    fit = fay_herriot(y, psi, X, "AMRL")
    design = np.column_stack([np.ones(len(y)), X.to_numpy()])
    assert fit.sigma2_u > 0 and fit.convergence.converged
    scale = np.sum(1 / (fit.sigma2_u + psi) ** 2)  # the score's order of magnitude: Fisher information
    assert abs(_adjusted_score(fit.sigma2_u, y, psi, design)) < 1e-6 * scale * fit.sigma2_u
    moved = fay_herriot(y + shift + slope * X["x1"].to_numpy(), psi, X, "AMRL")  # y -> y + X delta
    assert moved.sigma2_u == pytest.approx(fit.sigma2_u, rel=1e-7)

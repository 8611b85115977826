"""Shared fixtures: the demo pipeline run once, its IRIS estimates, and a small synthetic case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from example_territory import EXAMPLE, example_inputs
from observatoire.pipeline import run
from observatoire.areas.covariates import load_covariates
from observatoire.areas.model import area_estimates


@pytest.fixture(scope="session")
def demo_results():
    return run(example_inputs())


@pytest.fixture(scope="session")
def demo_covariates():
    return load_covariates(EXAMPLE.covariates)


@pytest.fixture(scope="session")
def demo_areas(demo_results, demo_covariates):
    return area_estimates(demo_results.design, demo_covariates, max(demo_results.waves))


@pytest.fixture(scope="session")
def synthetic_case():
    """60 areas: two covariates, binomial direct shares; areas 0-2 without sample."""
    rng = np.random.default_rng(7)
    index = pd.Index([f"3306301{i:02d}" for i in range(60)], name="iris")
    X = pd.DataFrame({"x1": rng.uniform(0.05, 0.4, 60), "x2": rng.uniform(0.0, 0.3, 60)}, index=index)
    truth = np.clip(0.05 + 0.6 * X["x1"] + rng.normal(0, 0.03, 60), 0.01, 0.9)
    n = rng.integers(5, 40, 60)
    n[:3] = 0
    hits = rng.binomial(n, truth)
    share = np.where(n > 0, hits / np.maximum(n, 1), np.nan)
    direct = pd.DataFrame(
        {"estimate": share, "se": np.sqrt(share * (1 - share) / np.maximum(n, 1)), "n_unweighted": n}, index=index
    )
    return direct, X, truth

"""Fit time of the Fay–Herriot model: the 277 demo IRIS, and 50,000 synthetic areas.

    .venv/bin/python benchmarks/bench_small_area.py

Aim: under 1 s for the 277 IRIS (the whole `fit_proportions`: two fits and the GVF). The
fit never builds an m x m matrix, so 50,000 areas stay cheap. Also times the rank simulation
of the targeting list (4,000 draws); benchmarks/bench_pages.py times the Quartiers page
with the ranking cached.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from observatoire.pipeline import Inputs, run  # noqa: E402
from observatoire.territory import load_territory  # noqa: E402
from observatoire.stats.small_area import fay_herriot, fit_proportions  # noqa: E402
from observatoire.areas.covariates import MODEL_COVARIATES, load_covariates  # noqa: E402
from observatoire.areas.model import area_estimates, direct_estimates  # noqa: E402
from observatoire.areas.ranking import rank_areas  # noqa: E402


def best_of(repeats: int, function) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic(m: int, p: int = 6, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(m, p)), columns=[f"x{j}" for j in range(p)])
    psi = rng.uniform(0.005, 0.05, m)
    y = 0.4 + X.to_numpy() @ rng.normal(0, 0.05, p) + rng.normal(0, 0.05, m) + rng.normal(0, np.sqrt(psi))
    return y, psi, X


def main() -> None:
    results = run(Inputs.of(load_territory()))
    wave = max(results.waves)
    covariates = load_covariates(results.territory.covariates)
    direct = direct_estimates(results.design, wave)
    X = covariates[list(MODEL_COVARIATES)]
    print(f"fit_proportions, 277 IRIS (2 ajustements AMRL + GVF) : {best_of(5, lambda: fit_proportions(direct, X)):.3f} s")
    model = fit_proportions(direct, X).fit
    y, psi = np.asarray(model.direct), np.asarray(model.sampling_var)
    for method in ("REML", "ML", "AMRL"):
        seconds = best_of(5, lambda: fay_herriot(y, psi, X, method))
        print(f"fay_herriot {method}, 277 IRIS : {seconds * 1000:.1f} ms")
    areas = area_estimates(results.design, covariates, wave).areas
    for by in ("count", "share", "index"):
        print(f"rank_areas --by {by} (4 000 tirages, 277 IRIS) : {best_of(3, lambda: rank_areas(areas, by)):.3f} s")
    y, psi, Xs = synthetic(50_000)
    for method in ("REML", "AMRL"):
        fit = fay_herriot(y, psi, Xs, method)
        seconds = best_of(3, lambda: fay_herriot(y, psi, Xs, method))
        print(f"fay_herriot {method}, 50 000 zones synthétiques, 6 covariables : {seconds:.3f} s "
              f"({fit.convergence.iterations} itérations, sigma2_u = {fit.sigma2_u:.5f}, vrai 0.00250)")


if __name__ == "__main__":
    main()

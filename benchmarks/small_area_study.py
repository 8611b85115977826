"""Simulation study of the IRIS small-area estimates (share in difficulty), with known truth.

    .venv/bin/python benchmarks/small_area_study.py [--samples 300] [--wave 2024] [--seed 1]

Population: the demo population of observatoire.demo.survey (true share per IRIS). Each
replicate draws a fresh 5,000-respondent telephone-like sample (stratified by commune, response
biased towards graduates and away from people aged 75+), then runs the production chain:
derive -> design_from_spec (raking, trimming, re-raking) -> direct estimates by IRIS
(areas.model.direct_estimates, engine's `estimate`) -> fit_proportions on the demo covariates.
Printed: average squared error of model-based vs direct estimates by IRIS sample size,
coverage of the 95 % intervals (model; direct logit intervals of the engine for reference),
mean error, and the same figures for the REML fit to show why the adjusted REML is the default.
The adjusted REML (AMRL) is run with both MSE estimators of the setting `small_area_amrl_mse`:
Prasad–Rao g1 + g2 + 2 g3 (the default) and the same minus Li and Lahiri's correction
B_i^2 b(sigma2_u), as emdi computes it; the share of that correction in the MSE is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from observatoire.demo.survey import build_population  # noqa: E402
from observatoire.stats import design_from_spec, estimate  # noqa: E402
from observatoire.stats.small_area import fit_proportions  # noqa: E402
from observatoire.survey_spec import derive, territory_spec  # noqa: E402
from observatoire.territory import load_territory  # noqa: E402
from observatoire.areas.covariates import MODEL_COVARIATES, load_covariates  # noqa: E402

FITS = {  # label: (method, amrl_mse)
    "AMRL, EQM Prasad–Rao (défaut)": ("AMRL", "prasad_rao"),
    "AMRL, EQM Li–Lahiri (emdi)": ("AMRL", "li_lahiri"),
    "REML, EQM Prasad–Rao": ("REML", None),
}
BANDS = [(0, 1, "n = 0 (synthétique)"), (1, 30, "1 <= n < 30"), (30, 10**9, "n >= 30"), (1, 10**9, "n >= 1")]


def replicate(rng, population, spec, covariates, wave) -> pd.DataFrame:
    sample = derive(population.sample(rng, 5000, wave), spec)
    design = design_from_spec(sample, spec).subset_wave(wave)
    direct = estimate(design, "in_difficulty", "proportion", level=1, by="iris", reliability=False)
    direct = direct.set_index(direct["domain"].astype(str))
    rows = []
    for label, (method, amrl_mse) in FITS.items():
        model = fit_proportions(direct[["estimate", "se", "n_unweighted"]], covariates, method=method, amrl_mse=amrl_mse)
        correction = np.asarray(model.fit.bias_correction)
        rows.append(model.table.assign(fit=label, correction_share=correction / (model.table["theta_mse"] + correction)))
    result = pd.concat(rows, ignore_index=True)
    logit = direct[["ci_low", "ci_high"]].rename(columns=lambda c: f"direct_{c}")
    return result.join(logit, on="area")


def summary(results: pd.DataFrame, method: str) -> list[str]:
    part = results[results["fit"] == method]
    lines = [f"--- {method} ---", f"{'IRIS':<22}{'cas':>7}{'EQM directe':>13}{'EQM modèle':>12}{'ratio':>7}"
             f"{'couv. modèle':>14}{'couv. directe':>15}{'biais modèle':>14}{'corr. LL':>10}"]
    for low, high, label in BANDS:
        band = part[(part["n_unweighted"] >= low) & (part["n_unweighted"] < high)]
        model_mse = float(np.mean(band["model_error"] ** 2))
        direct_mse = float(np.mean(band["direct_error"] ** 2)) if low > 0 else float("nan")
        direct_cover = float(band["direct_covered"].mean()) if low > 0 else float("nan")
        lines.append(
            f"{label:<22}{len(band):>7}{_text(direct_mse, '.5f'):>13}{model_mse:>12.5f}"
            f"{_text(model_mse / direct_mse, '.2f'):>7}{band['covered'].mean():>14.1%}"
            f"{_text(direct_cover, '.1%'):>15}{band['model_error'].mean():>+14.4f}"
            f"{band['correction_share'].mean():>10.1%}"
        )
    return lines


def _text(value: float, spec: str) -> str:
    return "–" if np.isnan(value) else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--wave", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    spec, population = territory_spec(load_territory()), build_population()
    covariates = load_covariates(load_territory().covariates)[list(MODEL_COVARIATES)]
    truth = population.truth(args.wave).query("geo_level == 'iris'").set_index("geo_code")["in_difficulty"]
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    tables = [replicate(rng, population, spec, covariates, args.wave) for _ in range(args.samples)]
    elapsed = time.perf_counter() - start
    results = pd.concat(tables, ignore_index=True)
    true_share = results["area"].map(truth)
    results["model_error"] = results["estimate"] - true_share
    results["direct_error"] = results["direct"] - true_share
    results["covered"] = (results["ci_low"] <= true_share) & (true_share <= results["ci_high"])
    results["direct_covered"] = (results["direct_ci_low"] <= true_share) & (true_share <= results["direct_ci_high"])
    print(f"Étude petits domaines — vague {args.wave}, {args.samples} échantillons de 5 000 répondants, "
          f"{len(truth)} IRIS ({elapsed:.0f} s, {elapsed / args.samples:.2f} s par échantillon)")
    print("EQM = erreur quadratique moyenne sur la part (0-1) ; couverture des intervalles à 95 % ;")
    print("intervalle direct : logit du moteur (manquant = non couvert) ; corr. LL = part moyenne de")
    print("l'EQM Prasad–Rao retirée par la correction de Li et Lahiri (EQM échelle arcsinus).")
    for label in FITS:
        print("\n".join(summary(results, label)))


if __name__ == "__main__":
    main()

"""Fixtures of the static-site tests: a small hand-made `SiteData` (every page shape, a fragile
and a withheld cell, an IRIS under the threshold) and the site built from the demo `Results`."""

from __future__ import annotations

import math
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from observatoire import pipeline
from observatoire.areas.exports import LIST_COLUMNS
from observatoire.settings import resolve
from observatoire.site.builder import build_site, render_site
from observatoire.site.data import SiteConfig, SiteData, from_results
from example_territory import EXAMPLE, example_geography, example_inputs, example_spec

# The browser harness of tests/browser (Chromium, axe-core) is shared, not copied.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

BUILT = date(2026, 11, 23)
WAVES = (2022, 2024)
# (domain_type, domain, share, n, flag): Ambès is withheld (n = 8), and so is Bassens (n = 40) so that
# Ambès cannot be recovered by subtraction (secondary disclosure); Ambarès is fragile.
CELLS = [
    ("overall", None, 0.19, 5000, "ok"),
    ("commune", "33063", 0.16, 1200, "ok"),
    ("commune", "33003", 0.23, 25, "fragile"),
    ("commune", "33004", math.nan, 8, "withheld"),
    ("commune", "33032", math.nan, 40, "withheld"),
    ("age_band", "15-29", 0.05, 900, "ok"),
    ("age_band", "75+", 0.52, 400, "ok"),
    ("sex", "F", 0.20, 2600, "ok"),
    ("sex", "M", 0.17, 2400, "ok"),
    ("diploma", "no_diploma", 0.41, 700, "ok"),
]


def estimate_rows(variables) -> pd.DataFrame:
    rows = []
    for variable in variables:
        for wave in WAVES:
            for domain_type, domain, share, n, flag in CELLS:
                withheld = flag == "withheld"
                rows.append({
                    "wave": wave, "variable": variable, "level": 1, "domain_type": domain_type, "domain": domain,
                    "estimate": share, "se": math.nan if withheld else 0.01,
                    "ci_low": math.nan if withheld else share - 0.02, "ci_high": math.nan if withheld else share + 0.02,
                    "ci_method": "logit", "df": n - 1, "cv": math.nan if withheld else 0.01 / share, "deff": 1.1,
                    "n_unweighted": n, "weighted_n": n * 140.0, "flag": flag,
                })
    return pd.DataFrame(rows, columns=list(pipeline.ESTIMATE_COLUMNS))


def progress_rows() -> pd.DataFrame:
    base = {"unit_short": "%", "decimals": 1, "illustrative": True, "catalog_status": "illustrative",
            "direction": "decrease", "reason": "", "caveat": "", "target": 15.0, "target_year": 2026}
    empty = dict.fromkeys(("base_year", "base_value", "latest_year", "latest_value", "latest_ci_low", "latest_ci_high",
                           "cagr_actual", "cagr_required", "ratio", "growth_progress", "threshold_high", "threshold_med",
                           "score", "projection_year", "projection_2026", "projection_low", "projection_high",
                           "projection_probability"), math.nan)
    return pd.DataFrame([
        {**base, **empty, "id": "INC01", "theme": "inclusion", "title": "Habitants en difficulté", "status": "insufficient",
         "status_label": "Progrès insuffisant", "base_year": 2022, "base_value": 19.2, "latest_year": 2024,
         "latest_value": 18.5, "latest_ci_low": 17.5, "latest_ci_high": 19.6, "cagr_actual": -0.018,
         "cagr_required": -0.06, "ratio": 0.3, "projection_reason": "2 point(s) seulement"},
        {**base, **empty, "id": "SOB01", "theme": "sobriete", "title": "Équipements reconditionnés", "direction": "increase",
         "status": "on_track", "status_label": "En bonne voie", "target": 50.0, "base_year": 2021, "base_value": 20.0,
         "latest_year": 2024, "latest_value": 41.0, "cagr_actual": 0.27, "cagr_required": 0.2, "ratio": 1.3,
         "projection_year": 2026, "projection_2026": 52.0, "projection_low": 45.0, "projection_high": 59.0,
         "projection_reason": ""},
        {**base, **empty, "id": "SOB02", "theme": "sobriete", "title": "Sans valeur", "status": "not_available",
         "status_label": "Non évaluable", "reason": "aucune valeur pour cet indicateur", "caveat": math.nan,
         "projection_reason": None},
    ])


def neighbourhood_rows() -> pd.DataFrame:
    """Three IRIS; the second has 4 respondents and a direct share (never published)."""
    rows = pd.DataFrame({
        "rank": [1, 2, 3], "rank_low": [1, 1, 2], "rank_high": [3, 3, 3], "p_top_k": [0.9, 0.7, 0.4],
        "commune": ["33063"] * 3, "commune_name": ["Bordeaux"] * 3,
        "iris": ["330630101", "330630102", "330630103"], "iris_name": ["A", "B", "C"],
        "n_unweighted": [40, 4, 0], "direct": [0.31, 0.5, math.nan], "estimate": [0.3, 0.28, 0.25],
        "ci_low": [0.22, 0.18, 0.15], "ci_high": [0.38, 0.38, 0.35], "method": ["eblup", "eblup", "synthetic"],
        "gamma": [0.6, 0.2, 0.0], "tier": [1, 1, 2],
        "population_15plus": [2000, 1800, 1500], "count": [600.0, 504.0, 375.0], "fragility_index": [8.1, 7.5, 7.0],
        "support_distance_m": [350.0, 1200.0, math.nan], "flag": ["ok", "ok", "fragile"],
    })
    return rows[list(LIST_COLUMNS)]


@pytest.fixture(scope="session")
def hand_data() -> SiteData:
    spec = example_spec()
    estimates = estimate_rows(spec.derived)
    latest = estimates[(estimates["domain_type"] == "overall") & (estimates["wave"] == max(WAVES))]
    weighting = pd.DataFrame([{"wave": w, "n": 5000, "min": 20.0, "max": 400.0, "max_min_ratio": 20.0, "kish_deff": 1.3,
                               "effective_n": 3800.0, "raking_iterations": 12, "converged": True, "weights_trimmed": 3}
                              for w in WAVES], columns=list(pipeline.WEIGHTING_COLUMNS))
    return SiteData(
        estimates=estimates, headline=latest[latest["variable"].isin(pipeline.HEADLINE)].reset_index(drop=True),
        progress=progress_rows(), themes={"inclusion": "Inclusion et accès aux droits", "sobriete": "Sobriété"},
        targeting=neighbourhood_rows(), weighting=weighting, settings=resolve(), spec=spec, territory=EXAMPLE,
        geography=example_geography(), provenance=dict(EXAMPLE.provenance), source="hand.csv",
    )


@pytest.fixture(scope="session")
def hand_site(hand_data):
    return render_site(hand_data, SiteConfig(built=BUILT, contact="accessibilite@exemple.fr"))


@pytest.fixture(scope="session")
def demo_site_dir(tmp_path_factory) -> Path:
    """The site of the demo Results, written to disk (end-to-end: pipeline -> site)."""
    out = tmp_path_factory.mktemp("site")
    results = pipeline.run(example_inputs())
    build_site(from_results(results), SiteConfig.for_territory(EXAMPLE, built=BUILT), out)
    return out

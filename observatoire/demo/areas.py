"""Synthetic census-like picture of the 277 IRIS (DEMONSTRATION VALUES, not Insee figures).

Only the commune populations are real (Insee populations légales 2021, data/geo/communes.geojson).
Everything else — how they split between IRIS, the 15+ share, the age, diploma, activity and
household structures and the covariates — is drawn from a seeded model so that the métropole
has plausible, spatially varied and mutually correlated neighbourhoods:

- each commune gets a hand-set demo profile (deprivation, age), loosely echoing the usual
  contrasts of a French métropole (right-bank social-housing communes, western residential
  suburbs, student towns); each IRIS varies around its commune's profile;
- remoteness from the centre drives broadband (THD) and mobile non-coverage;
- the covariates are computed from the same structures the survey generator samples from, so
  the small-area signal in the demo survey is real, not decorative.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from observatoire.geo import load_geography
from observatoire.territory import EXAMPLE_DIR, load_territory

AREAS_SEED = 33  # fixed: the synthetic population is the same whatever the survey seed
AGE_BANDS = ("15-29", "30-44", "45-59", "60-74", "75+")
SEXES = ("F", "M")
DIPLOMAS = ("no_diploma", "cap_bep", "bac", "bac_2", "bac_3plus")
ACTIVITIES = ("employed", "unemployed", "student", "retired", "other_inactive")
HOUSEHOLDS = ("single", "couple_no_child", "couple_children", "single_parent", "other")
from observatoire.areas.covariates import MODEL_COVARIATES as COVARIATES  # noqa: E402  (the file the model reads)

# Demo commune profiles (deprivation, age), roughly in [-1, 1.3]: assumptions, not measurements.
COMMUNE_PROFILES = {
    "33003": (0.2, -0.1), "33004": (0.5, 0.2), "33013": (-0.3, 0.0), "33032": (0.8, -0.1),
    "33039": (0.5, -0.1), "33056": (-0.4, 0.3), "33063": (0.1, -0.5), "33065": (-0.9, 0.6),
    "33069": (-0.8, 0.6), "33075": (-0.5, 0.0), "33096": (0.2, 0.1), "33119": (1.2, 0.0),
    "33162": (-0.3, 0.2), "33167": (1.0, 0.0), "33192": (-0.7, 0.6), "33200": (-0.4, 0.1),
    "33249": (1.3, -0.1), "33273": (-0.5, 0.0), "33281": (-0.1, 0.2), "33312": (-0.4, 0.0),
    "33318": (0.0, -0.2), "33376": (-1.0, 0.1), "33434": (0.3, 0.1), "33449": (-0.6, 0.4),
    "33487": (0.0, 0.1), "33519": (-0.6, 0.3), "33522": (0.2, -0.6), "33550": (0.1, 0.1),
}
CENTRE_LON_LAT = (-0.5745, 44.8427)  # Bordeaux, place de la Comédie

# Metropolitan base structures of residents aged 15+ (demo values inspired by the Insee census
# national/urban structure), shifted per IRIS by its latent profile.
AGE_BASE = np.array([0.27, 0.25, 0.22, 0.17, 0.09])
AGE_SHIFT = np.array([-0.35, -0.15, 0.05, 0.30, 0.45])  # per unit of "age" latent
FEMALE_SHARE = np.array([0.51, 0.51, 0.52, 0.54, 0.61])  # by age band
DIPLOMA_BY_AGE = np.array([
    [0.15, 0.10, 0.33, 0.15, 0.27],
    [0.10, 0.15, 0.15, 0.17, 0.43],
    [0.17, 0.24, 0.16, 0.15, 0.28],
    [0.27, 0.26, 0.14, 0.11, 0.22],
    [0.50, 0.20, 0.11, 0.07, 0.12],
])
DIPLOMA_SHIFT = np.array([1.0, 0.5, 0.0, -0.5, -1.0])  # per unit of deprivation
ACTIVITY_BY_AGE = np.array([
    [0.45, 0.08, 0.42, 0.00, 0.05],
    [0.80, 0.09, 0.02, 0.00, 0.09],
    [0.78, 0.08, 0.00, 0.04, 0.10],
    [0.22, 0.03, 0.00, 0.70, 0.05],
    [0.01, 0.00, 0.00, 0.96, 0.03],
])
UNEMPLOYMENT_SHIFT = np.array([0.0, 0.45, 0.0, 0.0, 0.0])  # per unit of deprivation
HOUSEHOLD_BY_AGE = np.array([
    [0.25, 0.20, 0.15, 0.10, 0.30],
    [0.20, 0.15, 0.50, 0.10, 0.05],
    [0.20, 0.20, 0.42, 0.10, 0.08],
    [0.30, 0.52, 0.08, 0.04, 0.06],
    [0.50, 0.40, 0.02, 0.03, 0.05],
])
ADULTS_PER_HOUSEHOLD = np.array([1.0, 2.0, 2.0, 1.0, 2.0])  # to turn persons into households


@dataclass(frozen=True)
class Areas:
    """Per-IRIS synthetic structures (arrays aligned on `covariates.iris`)."""

    covariates: pd.DataFrame  # the public table written to data/demo/iris_covariates.csv
    age: np.ndarray  # (I, 5) P(age band | IRIS), residents 15+
    female: np.ndarray  # (5,) P(F | age band)
    diploma: np.ndarray  # (I, 5 ages, 5 diplomas)
    activity: np.ndarray  # (I, 5 ages, 5 activities)
    household: np.ndarray  # (I, 5 ages, 5 households)


@lru_cache(maxsize=1)
def build_areas() -> Areas:
    rng = np.random.default_rng(AREAS_SEED)
    geography = load_geography(load_territory(EXAMPLE_DIR))
    iris = geography.iris.rename(columns={"code": "code_iris", "commune": "code_commune", "kind": "typ_iris"})
    communes = geography.communes.set_index("code")
    profile = np.array([COMMUNE_PROFILES[c] for c in iris["code_commune"]])
    spread = np.where(iris["code_commune"] == "33063", 0.8, 0.55)  # the city centre is more mixed
    deprivation = profile[:, 0] + spread * rng.normal(size=len(iris))
    age_latent = profile[:, 1] + 0.4 * rng.normal(size=len(iris))
    remoteness = _remoteness(iris["lon"].to_numpy(), iris["lat"].to_numpy())

    population = _split_population(iris, communes["population"], rng)
    share_15plus = np.clip(0.84 + 0.03 * age_latent - 0.01 * deprivation + rng.normal(0, 0.01, len(iris)), 0.76, 0.92)
    population_15plus = np.round(population * share_15plus).astype(int)

    age = _tilt(np.log(AGE_BASE) + np.outer(age_latent, AGE_SHIFT))
    diploma = _tilt(np.log(DIPLOMA_BY_AGE)[None] + (0.45 * deprivation)[:, None, None] * DIPLOMA_SHIFT)
    activity = _tilt(np.log(ACTIVITY_BY_AGE + 1e-12)[None] + deprivation[:, None, None] * UNEMPLOYMENT_SHIFT)
    household_shift = np.zeros((len(iris), 5))
    household_shift[:, 0] = 0.6 * (1 - np.clip(remoteness, 0, 1)) - 0.3 + 0.2 * rng.normal(size=len(iris))
    household_shift[:, 3] = 0.4 * deprivation
    household = _tilt(np.log(HOUSEHOLD_BY_AGE)[None] + household_shift[:, None, :])

    covariates = pd.DataFrame({
        "iris": iris["code_iris"],
        "commune": iris["code_commune"],
        "population": population,
        "population_15plus": population_15plus,
        "share_65plus": share_15plus * (0.55 * age[:, 3] + age[:, 4]),
        "share_no_diploma": np.einsum("ia,ia->i", age, diploma[:, :, 0]),
        "poverty_rate": logistic(-1.85 + 0.75 * deprivation + rng.normal(0, 0.2, len(iris))),
        "share_single_person": _single_person_households(age, household),
        "unemployment_rate": _unemployment_rate(age, activity),
        "thd_non_coverage": logistic(-4.2 + 2.2 * remoteness + rng.normal(0, 0.5, len(iris))),
        "mobile_non_coverage": logistic(-5.0 + 1.8 * remoteness + rng.normal(0, 0.5, len(iris))),
    })
    covariates[list(COVARIATES)] = covariates[list(COVARIATES)].round(4)
    return Areas(covariates, age, FEMALE_SHARE.copy(), diploma, activity, household)


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _tilt(log_weights: np.ndarray) -> np.ndarray:
    """Normalise log-weights into probabilities along the last axis."""
    weights = np.exp(log_weights - log_weights.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def _remoteness(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """0 in the centre, about 1 at 14 km and beyond (distance in km minus 4, over 10)."""
    dx = (lon - CENTRE_LON_LAT[0]) * 111.32 * np.cos(np.radians(CENTRE_LON_LAT[1]))
    dy = (lat - CENTRE_LON_LAT[1]) * 110.57
    return np.clip((np.hypot(dx, dy) - 4.0) / 10.0, 0.0, 1.5)


def _split_population(iris: pd.DataFrame, commune_population: pd.Series, rng) -> np.ndarray:
    """IRIS populations summing exactly to each commune's population.

    Activity (A) and miscellaneous (D) IRIS get a tiny population (20 to 150 inhabitants);
    the rest is shared between housing IRIS in proportion to lognormal sizes.
    """
    tiny = iris["typ_iris"].isin(["A", "D"]).to_numpy()
    population = np.where(tiny, rng.integers(20, 151, len(iris)), 0)
    sizes = rng.lognormal(0.0, 0.35, len(iris))
    for code, total in commune_population.items():
        inside = (iris["code_commune"] == code).to_numpy()
        housing = inside & ~tiny
        population[housing] = largest_remainder(sizes[housing], total - population[inside & tiny].sum())
    return population


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to `weights` summing exactly to `total`."""
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(int)
    counts[np.argsort(counts - raw, kind="stable")[: total - counts.sum()]] += 1
    return counts


def _single_person_households(age: np.ndarray, household: np.ndarray) -> np.ndarray:
    persons = np.einsum("ia,iah->ih", age, household)
    households = persons / ADULTS_PER_HOUSEHOLD
    return households[:, 0] / households.sum(axis=1)


def _unemployment_rate(age: np.ndarray, activity: np.ndarray) -> np.ndarray:
    persons = np.einsum("ia,iak->ik", age, activity)
    return persons[:, 1] / (persons[:, 0] + persons[:, 1])

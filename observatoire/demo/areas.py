"""Synthetic census-like picture of a territory's IRIS (DEMONSTRATION VALUES, not Insee figures).

Only the commune populations are real: those of the territory's contours (the
`population_property` of observatoire.yaml).
Everything else — how they split between IRIS, the 15+ share, the age, diploma, activity and
household structures and the covariates — is drawn from a seeded model so that the territory
has plausible, spatially varied and mutually correlated neighbourhoods:

- each commune gets a demo profile (deprivation, age), roughly in [-1, 1.3]: hand-set in the
  territory's optional `profiles.csv` (columns commune, deprivation, age; beside its survey
  file), else drawn from a seed; each IRIS varies around its commune's profile, more so in the
  most populous commune (a mixed centre);
- remoteness from the centre (the centroid of the most populous commune) drives broadband (THD)
  and mobile non-coverage;
- a commune without IRIS contours is one area of its own (its respondents have no IRIS code);
- the covariates are computed from the same structures the survey generator samples from, so
  the small-area signal in the demo survey is real, not decorative.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from observatoire.errors import UserError
from observatoire.geo import Geography, load_geography
from observatoire.territory import EXAMPLE_DIR, Territory, load_territory

AREAS_SEED = 33  # fixed: the synthetic population is the same whatever the survey seed
PROFILES_SEED = 35  # profiles of communes the profiles file does not list
PROFILES_FILE = "profiles.csv"
AGE_BANDS = ("15-29", "30-44", "45-59", "60-74", "75+")
SEXES = ("F", "M")
DIPLOMAS = ("no_diploma", "cap_bep", "bac", "bac_2", "bac_3plus")
ACTIVITIES = ("employed", "unemployed", "student", "retired", "other_inactive")
HOUSEHOLDS = ("single", "couple_no_child", "couple_children", "single_parent", "other")
from observatoire.areas.covariates import MODEL_COVARIATES as COVARIATES  # noqa: E402  (the file the model reads)

# Base structures of residents aged 15+ (demo values inspired by the Insee census
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
    """Per-area synthetic structures (arrays aligned on `covariates` rows). An area is an IRIS, or
    a commune without IRIS contours (its `iris` is "")."""

    covariates: pd.DataFrame  # iris, commune, populations, COVARIATES (the IRIS rows are the covariates file)
    age: np.ndarray  # (I, 5) P(age band | area), residents 15+
    female: np.ndarray  # (5,) P(F | age band)
    diploma: np.ndarray  # (I, 5 ages, 5 diplomas)
    activity: np.ndarray  # (I, 5 ages, 5 activities)
    household: np.ndarray  # (I, 5 ages, 5 households)

    @property
    def iris_covariates(self) -> pd.DataFrame:
        """The covariates file: IRIS rows only."""
        return self.covariates[self.covariates["iris"] != ""].reset_index(drop=True)


@dataclass(frozen=True)
class Place:
    """What the generator reads of a territory: its areas, commune populations and profiles."""

    areas: pd.DataFrame  # iris ("" for a commune without IRIS), commune, kind, lon, lat
    population: pd.Series  # commune code -> population
    profiles: pd.DataFrame  # commune code -> deprivation, age
    largest: str  # the most populous commune (the most mixed, and the centre)
    centre: tuple[float, float]  # lon, lat


def default_profiles(territory: Territory) -> Path | None:
    """`profiles.csv` beside the territory's survey file, when there is one."""
    return territory.survey.parent / PROFILES_FILE if territory.survey is not None else None


def load_place(territory: Territory, profiles: Path | None = None) -> Place:
    geography = load_geography(territory)
    population = commune_population(geography)
    communes = geography.communes.set_index("code")
    largest = str(population.idxmax())
    centre = (float(communes.at[largest, "lon"]), float(communes.at[largest, "lat"]))
    iris = geography.iris[["code", "commune", "kind", "lon", "lat"]].rename(columns={"code": "iris"})
    alone = communes[~communes.index.isin(iris["commune"])]  # communes without IRIS: one area each
    whole = pd.DataFrame({"iris": "", "commune": alone.index, "kind": "Z", "lon": alone["lon"], "lat": alone["lat"]})
    areas = pd.concat([iris, whole], ignore_index=True) if len(whole) else iris.reset_index(drop=True)
    areas = areas.sort_values(["commune", "iris"], kind="stable", ignore_index=True)
    return Place(areas, population, _profiles(communes.index, profiles), largest, centre)


def commune_population(geography: Geography) -> pd.Series:
    """Population per commune, from the contours' population property. (Not from the commune
    margins: the demo writes those, and never over real ones.)"""
    population = geography.communes.set_index("code")["population"]
    if population.notna().all() and (population > 0).all():
        return population.astype(int)
    raise UserError(
        "Les données de démonstration ont besoin de la population de chaque commune.",
        "Indiquez la propriété des contours des communes qui la porte (geo.communes.population_property dans "
        "observatoire.yaml) ; « observatoire territory new --epci » l'ajoute à partir du référentiel national.",
    )


def _profiles(communes: pd.Index, path: Path | None) -> pd.DataFrame:
    """Hand-set profiles of the file, and seeded ones for the communes it does not list."""
    listed = pd.DataFrame(columns=["deprivation", "age"], dtype=float)
    if path is not None and Path(path).is_file():
        frame = pd.read_csv(path, dtype={"commune": str})
        missing = {"commune", "deprivation", "age"} - set(frame.columns)
        if missing:
            raise UserError(f"{path} : colonne(s) absente(s) : {', '.join(sorted(missing))}.",
                            "Colonnes attendues : commune, deprivation, age (nombres entre -1 et 1,3 environ).")
        listed = frame.set_index("commune")[["deprivation", "age"]].astype(float)
    others = communes[~communes.isin(listed.index)]
    rng = np.random.default_rng(PROFILES_SEED)
    drawn = pd.DataFrame({"deprivation": np.clip(rng.normal(0.0, 0.6, len(others)), -1.0, 1.3),
                          "age": np.clip(rng.normal(0.0, 0.3, len(others)), -0.6, 0.6)}, index=others)
    return pd.concat([listed[listed.index.isin(communes)], drawn])


@lru_cache(maxsize=4)
def build_areas(root: Path = EXAMPLE_DIR, profiles: Path | None = None) -> Areas:
    """The synthetic areas of the territory in `root` (default: the example), profiles from
    `profiles` (default: `default_profiles`)."""
    territory = load_territory(root)
    return areas_of(load_place(territory, profiles or default_profiles(territory)))


def areas_of(place: Place) -> Areas:
    rng = np.random.default_rng(AREAS_SEED)
    iris = place.areas
    profile = place.profiles.loc[iris["commune"]].to_numpy()
    spread = np.where(iris["commune"] == place.largest, 0.8, 0.55)  # the largest commune is more mixed
    deprivation = profile[:, 0] + spread * rng.normal(size=len(iris))
    age_latent = profile[:, 1] + 0.4 * rng.normal(size=len(iris))
    remoteness = _remoteness(iris["lon"].to_numpy(), iris["lat"].to_numpy(), place.centre)

    population = _split_population(iris, place.population, rng)
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
        "iris": iris["iris"],
        "commune": iris["commune"],
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


def _remoteness(lon: np.ndarray, lat: np.ndarray, centre: tuple[float, float]) -> np.ndarray:
    """0 in the centre, about 1 at 14 km and beyond (distance in km minus 4, over 10)."""
    dx = (lon - centre[0]) * 111.32 * np.cos(np.radians(centre[1]))
    dy = (lat - centre[1]) * 110.57
    return np.clip((np.hypot(dx, dy) - 4.0) / 10.0, 0.0, 1.5)


def _split_population(iris: pd.DataFrame, commune_population: pd.Series, rng) -> np.ndarray:
    """Area populations summing exactly to each commune's population.

    Activity (A) and miscellaneous (D) IRIS get a tiny population (20 to 150 inhabitants);
    the rest is shared between housing IRIS in proportion to lognormal sizes.
    """
    tiny = iris["kind"].isin(["A", "D"]).to_numpy().copy()
    population = np.where(tiny, rng.integers(20, 151, len(iris)), 0)
    sizes = rng.lognormal(0.0, 0.35, len(iris))
    for code, total in commune_population.items():
        inside = (iris["commune"] == code).to_numpy()
        tiny[inside] &= ~np.all(tiny[inside])  # a commune of activity IRIS only still has residents
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

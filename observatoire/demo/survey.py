"""Synthetic resident survey (DEMONSTRATION DATA): a known population and a biased sampler.

The population (`DemoPopulation`) crosses, in each IRIS, the residents aged 15+ by age band, sex,
diploma, activity and household (expected counts from `areas.build_areas()`). Every cell has a
latent "digital exclusion" score

    eta = age + diploma + activity + household effects + IRIS context (poverty, low diploma,
          broadband non-coverage) + IRIS random effect

and the probability of being in difficulty with online procedures is
P(non-use) + (1 - P(non-use)) * logistic(a_wave + eta); the wave intercepts are solved so that
the true share over the whole territory is exactly `TRUE_IN_DIFFICULTY[wave]`. The true shares per IRIS and per
commune are therefore known (`DemoPopulation.truth`), for coverage and small-area studies.

The sampler mimics a telephone survey stratified by commune: allocation proportional to the 15+
population with a floor, IRIS drawn within commune in proportion to population, then a
respondent drawn with a response propensity favouring graduates and disfavouring people aged
75+ (so unweighted figures are biased and weighting matters). The design weight is
N(commune 15+) / n(commune): it does not correct the non-response bias, raking does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from observatoire.demo.areas import (
    ACTIVITIES,
    AGE_BANDS,
    DIPLOMAS,
    HOUSEHOLDS,
    SEXES,
    Areas,
    build_areas,
    largest_remainder,
    logistic,
)
from observatoire.territory import EXAMPLE_DIR

WAVES = (2022, 2024)
DEFAULT_SEED = 2024
DEFAULT_N = 5000
COMMUNE_FLOOR = 80
TRUE_IN_DIFFICULTY = {2022: 0.20, 2024: 0.18}  # the example territory's own survey found 19 % (2023)
TRUE_NON_USE = {2022: 0.095, 2024: 0.085}  # no Internet use in 3 months (Insee: 13.9 % in France, 2021; lower in large cities)
RANDOM_EFFECT_SD = 0.3
RANDOM_EFFECT_SEED = 34  # fixed: IRIS effects do not depend on the survey seed

# Effects on the exclusion score (logit scale), in schema order.
AGE_EFFECT = np.array([-1.0, -0.7, -0.3, 0.4, 1.3])
FEMALE_EFFECT = np.array([0.0, 0.0, 0.0, 0.05, 0.15])  # older women slightly more excluded
DIPLOMA_EFFECT = np.array([0.8, 0.45, 0.0, -0.35, -0.7])
ACTIVITY_EFFECT = np.array([0.0, 0.3, -0.4, 0.1, 0.5])
HOUSEHOLD_EFFECT = np.array([0.3, 0.0, -0.1, 0.2, 0.1])
CONTEXT_EFFECT = {"poverty_rate": 0.15, "share_no_diploma": 0.1, "thd_non_coverage": 0.05}  # per SD
NON_USE_SLOPE = 1.6

# Response propensity (relative): graduates answer more, people aged 75+ much less.
RESPONSE_BY_AGE = np.array([1.0, 1.0, 1.05, 1.1, 0.6])
RESPONSE_BY_DIPLOMA = np.array([0.8, 0.85, 1.0, 1.1, 1.35])

CELL_SHAPE = (len(AGE_BANDS), len(SEXES), len(DIPLOMAS), len(ACTIVITIES), len(HOUSEHOLDS))
N_CELLS = int(np.prod(CELL_SHAPE))


@dataclass(frozen=True)
class DemoPopulation:
    areas: Areas
    counts: np.ndarray  # (I, N_CELLS) expected residents 15+ per cell
    eta: np.ndarray  # (I, N_CELLS) exclusion score
    sampling_cdf: np.ndarray  # (I * N_CELLS,) cumulative response-tilted cell probabilities + IRIS index
    intercepts: dict  # wave -> (non-use intercept, difficulty intercept)

    @property
    def iris(self) -> pd.DataFrame:
        return self.areas.covariates

    def p_in_difficulty(self, wave: int) -> np.ndarray:
        """(I, N_CELLS) true probability of being in difficulty."""
        a_non_use, a_difficulty = self.intercepts[wave]
        return _p_difficulty(self.eta, a_non_use, a_difficulty)

    def truth(self, wave: int) -> pd.DataFrame:
        """True in_difficulty share per IRIS, commune and for the whole territory (one wave).

        Columns: wave, geo_level ("iris", "commune", "territory"), geo_code, population_15plus,
        in_difficulty.
        """
        expected = (self.counts * self.p_in_difficulty(wave)).sum(axis=1)
        base = pd.DataFrame({"iris": self.iris["iris"], "commune": self.iris["commune"],
                             "pop": self.counts.sum(axis=1), "hits": expected})
        levels = [
            base[base["iris"] != ""].rename(columns={"iris": "geo_code"}).assign(geo_level="iris"),
            base.groupby("commune", as_index=False)[["pop", "hits"]].sum()
            .rename(columns={"commune": "geo_code"}).assign(geo_level="commune"),
            pd.DataFrame({"geo_code": ["territory"], "pop": [base["pop"].sum()],
                          "hits": [base["hits"].sum()], "geo_level": ["territory"]}),
        ]
        table = pd.concat(levels, ignore_index=True)
        return pd.DataFrame({
            "wave": wave,
            "geo_level": table["geo_level"],
            "geo_code": table["geo_code"],
            "population_15plus": table["pop"],
            "in_difficulty": table["hits"] / table["pop"],
        })

    def allocation(self, n: int) -> pd.Series:
        """Respondents per commune: proportional to the 15+ population, with a floor."""
        totals = self.iris.groupby("commune")["population_15plus"].sum()
        floor = min(COMMUNE_FLOOR, n // (2 * len(totals)))
        sizes = pd.Series(0, index=totals.index)
        fixed = pd.Series(False, index=totals.index)
        while True:  # communes whose share falls below the floor get the floor; re-share the rest
            free = n - floor * fixed.sum()
            below = totals[~fixed] / totals[~fixed].sum() * free < floor
            if not below.any():
                break
            fixed[below[below].index] = True
        sizes[fixed] = floor
        sizes[~fixed] = largest_remainder(totals[~fixed].to_numpy(), free)
        return sizes

    def sample(self, rng: np.random.Generator, n: int = DEFAULT_N, wave: int = WAVES[-1]) -> pd.DataFrame:
        """One wave of exactly n respondents, columns as in survey/schema.yaml (sorted by commune, IRIS)."""
        allocation = self.allocation(n)
        iris_index = self._draw_iris(rng, allocation)
        cell = np.searchsorted(self.sampling_cdf, iris_index + rng.random(iris_index.size), side="right")
        cell = np.minimum(cell - iris_index * N_CELLS, N_CELLS - 1)
        order = np.lexsort((cell, iris_index))
        iris_index, cell = iris_index[order], cell[order]
        frame = _respondents(self, rng, wave, iris_index, cell)
        weights = self.iris.groupby("commune")["population_15plus"].sum() / allocation
        frame["weight"] = frame["commune"].map(weights).round(4).to_numpy()
        return frame

    def _draw_iris(self, rng: np.random.Generator, allocation: pd.Series) -> np.ndarray:
        communes = self.iris["commune"].to_numpy()
        population = self.iris["population_15plus"].to_numpy(dtype=float)
        drawn = []
        for code, size in allocation.items():
            members = np.flatnonzero(communes == code)
            drawn.append(np.sort(rng.choice(members, size=size, p=population[members] / population[members].sum())))
        return np.concatenate(drawn)


@lru_cache(maxsize=4)
def build_population(root: Path = EXAMPLE_DIR, profiles: Path | None = None) -> DemoPopulation:
    """The synthetic population of the territory in `root` (default: the example territory)."""
    areas = build_areas(root, profiles)
    covariates = areas.covariates
    rng = np.random.default_rng(RANDOM_EFFECT_SEED)
    n_iris = len(covariates)
    counts = (
        covariates["population_15plus"].to_numpy(dtype=float)[:, None, None, None, None, None]
        * areas.age[:, :, None, None, None, None]
        * np.stack([areas.female, 1 - areas.female], axis=1)[None, :, :, None, None, None]
        * areas.diploma[:, :, None, :, None, None]
        * areas.activity[:, :, None, None, :, None]
        * areas.household[:, :, None, None, None, :]
    ).reshape(n_iris, N_CELLS)
    context = sum(
        effect * _standardise(covariates[name].to_numpy(dtype=float)) for name, effect in CONTEXT_EFFECT.items()
    ) + rng.normal(0.0, RANDOM_EFFECT_SD, n_iris)
    person = (
        AGE_EFFECT[:, None, None, None, None]
        + np.stack([FEMALE_EFFECT, np.zeros(5)], axis=1)[:, :, None, None, None]
        + DIPLOMA_EFFECT[None, None, :, None, None]
        + ACTIVITY_EFFECT[None, None, None, :, None]
        + HOUSEHOLD_EFFECT[None, None, None, None, :]
    ).reshape(N_CELLS)
    eta = context[:, None] + person[None, :]
    response = (RESPONSE_BY_AGE[:, None, None, None, None] * RESPONSE_BY_DIPLOMA[None, None, :, None, None])
    tilted = counts * np.broadcast_to(response, CELL_SHAPE).reshape(N_CELLS)
    cdf = np.cumsum(tilted, axis=1) / tilted.sum(axis=1, keepdims=True) + np.arange(n_iris)[:, None]
    intercepts = {wave: _solve_intercepts(counts, eta, TRUE_NON_USE[wave], TRUE_IN_DIFFICULTY[wave]) for wave in WAVES}
    return DemoPopulation(areas, counts, eta, cdf.ravel(), intercepts)


def generate(seed: int = DEFAULT_SEED, n: int = DEFAULT_N, population: DemoPopulation | None = None) -> pd.DataFrame:
    """The demonstration survey: waves 2022 and 2024, n respondents each, reproducible by seed
    (default population: the example territory's)."""
    population = population or build_population()
    rng = np.random.default_rng(seed)
    return pd.concat([population.sample(rng, n, wave) for wave in WAVES], ignore_index=True)


# --- population model -----------------------------------------------------------------------


def _standardise(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std()


def _p_non_use(eta, a_non_use):
    return logistic(a_non_use + NON_USE_SLOPE * eta)


def _p_difficulty(eta, a_non_use, a_difficulty):
    non_use = _p_non_use(eta, a_non_use)
    return non_use + (1 - non_use) * logistic(a_difficulty + eta)


def _solve_intercepts(counts, eta, non_use_target, difficulty_target) -> tuple[float, float]:
    total = counts.sum()
    a_non_use = brentq(lambda a: (counts * _p_non_use(eta, a)).sum() / total - non_use_target, -15, 10)
    a_difficulty = brentq(
        lambda a: (counts * _p_difficulty(eta, a_non_use, a)).sum() / total - difficulty_target, -15, 10
    )
    return float(a_non_use), float(a_difficulty)


# --- respondents ----------------------------------------------------------------------------


def _respondents(population: DemoPopulation, rng, wave: int, iris_index: np.ndarray, cell: np.ndarray) -> pd.DataFrame:
    age, sex, diploma, activity, household = np.unravel_index(cell, CELL_SHAPE)
    eta = population.eta[iris_index, cell]
    covariates = population.iris.iloc[iris_index]
    a_non_use, a_difficulty = population.intercepts[wave]
    n = cell.size
    frame = pd.DataFrame({
        "respondent_id": [f"{wave}-{k:05d}" for k in range(1, n + 1)],
        "wave": wave,
        "commune": covariates["commune"].to_numpy(),
        "iris": covariates["iris"].to_numpy(),
        "sex": np.asarray(SEXES)[sex],
        "age_band": np.asarray(AGE_BANDS)[age],
        "diploma": np.asarray(DIPLOMAS)[diploma],
        "activity": np.asarray(ACTIVITIES)[activity],
        "household": np.asarray(HOUSEHOLDS)[household],
    })
    non_user = rng.random(n) < _p_non_use(eta, a_non_use)
    in_difficulty = non_user | (rng.random(n) < logistic(a_difficulty + eta))
    devices = _devices(rng, eta, non_user)
    home = _home_internet(rng, eta, non_user, devices)
    frame = frame.assign(
        **devices,
        home_internet=home.astype(int),
        connection_type=_connection(rng, home, covariates["thd_non_coverage"].to_numpy()),
        internet_use=_internet_use(rng, eta, non_user),
        **_skills(rng, eta, non_user),
        admin_online=_admin_online(rng, eta, non_user, in_difficulty),
    )
    frame = frame.assign(**_reasons_and_help(rng, eta, frame, wave))
    return frame


def _bernoulli(rng, p) -> np.ndarray:
    return rng.random(np.shape(p)) < p


def _choice(rng, probabilities: np.ndarray, labels) -> np.ndarray:
    """One categorical draw per row of `probabilities` (rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    picks = (rng.random(len(probabilities))[:, None] > cumulative).sum(axis=1)
    return np.asarray(labels)[np.minimum(picks, len(labels) - 1)]


def _devices(rng, eta, non_user) -> dict:
    none = _bernoulli(rng, np.where(non_user, 0.22, 0.003))
    smartphone = _bernoulli(rng, np.where(non_user, 0.55, logistic(3.6 - 0.8 * eta)))
    computer = _bernoulli(rng, np.where(non_user, 0.3, logistic(1.9 - 1.0 * eta)))
    tablet = _bernoulli(rng, np.where(non_user, 0.2, logistic(-0.1 - 0.4 * eta)))
    smartphone |= ~(smartphone | computer | tablet) & ~none  # someone with a device has one
    return {
        "has_smartphone": (smartphone & ~none).astype(int),
        "has_computer": (computer & ~none).astype(int),
        "has_tablet": (tablet & ~none).astype(int),
    }


def _home_internet(rng, eta, non_user, devices) -> np.ndarray:
    no_device = (devices["has_smartphone"] + devices["has_computer"] + devices["has_tablet"]) == 0
    p = np.where(non_user, 0.35, logistic(3.3 - 0.9 * eta))
    return _bernoulli(rng, np.where(no_device, 0.1, p))


def _connection(rng, home, thd_non_coverage) -> np.ndarray:
    fibre = 0.8 * (1 - thd_non_coverage)
    rest = 1 - fibre
    probabilities = np.column_stack([fibre, 0.62 * rest, 0.32 * rest, 0.06 * rest])
    drawn = _choice(rng, probabilities, ["fibre", "dsl", "mobile_box", "other"])
    return np.where(home, drawn, "none")


def _internet_use(rng, eta, non_user) -> np.ndarray:
    daily = logistic(2.6 - 1.2 * eta)
    users = _choice(rng, np.column_stack([daily, 0.7 * (1 - daily), 0.3 * (1 - daily)]), ["daily", "weekly", "less_often"])
    non_users = np.where(rng.random(eta.size) < 0.6, "never", "not_in_3_months")
    return np.where(non_user, non_users, users)


SKILL_DOMAINS = ("information", "communication", "problem_solving", "software", "safety")
SKILL_EASE = np.array([0.8, 0.7, 0.0, -0.3, -0.2])  # information is the most widespread skill


def _skills(rng, eta, non_user) -> dict:
    """Ordinal skills per domain from a shared person factor; non-users have none."""
    person = -0.9 * eta + 0.7 * rng.normal(size=eta.size)
    latent = person[:, None] + SKILL_EASE[None, :] + 0.7 * rng.normal(size=(eta.size, len(SKILL_DOMAINS)))
    level = np.where(latent < -1.6, "none", np.where(latent < 0.0, "basic", "above_basic"))
    level[non_user] = "none"
    return {f"skill_{domain}": level[:, k] for k, domain in enumerate(SKILL_DOMAINS)}


def _admin_online(rng, eta, non_user, in_difficulty) -> np.ndarray:
    scores = np.where(
        non_user[:, None],
        np.column_stack([np.full(eta.size, -2.0), np.full(eta.size, 0.6), 0.3 + 0.3 * eta]),
        np.column_stack([np.full(eta.size, 1.2), 0.2 + 0.4 * eta, -1.0 + 0.6 * eta]),
    )
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    kind = _choice(rng, probabilities, ["alone_with_difficulty", "with_help", "unable"])
    return np.where(in_difficulty, kind, "alone_easily")


HELP_LABELS = ["none", "relatives", "public_service", "association", "other"]
HELP_BY_ADMIN = {
    "alone_with_difficulty": [0.35, 0.45, 0.10, 0.05, 0.05],
    "with_help": [0.02, 0.70, 0.15, 0.09, 0.04],
    "unable": [0.30, 0.40, 0.15, 0.10, 0.05],
}


def _reasons_and_help(rng, eta, frame: pd.DataFrame, wave: int) -> dict:
    asked = (frame["admin_online"] != "alone_easily").to_numpy()
    no_device = (frame[["has_smartphone", "has_computer", "has_tablet"]].sum(axis=1) == 0).to_numpy()
    reasons = {
        "reason_skills": logistic(-0.6 + 0.6 * eta),
        "reason_equipment": logistic(-1.8 + 0.5 * eta + 1.5 * no_device),
        "reason_site_design": logistic(-0.5 - 0.3 * eta),
        "reason_fear_error": logistic(-0.6 + 0.2 * eta),
        "reason_language": logistic(-1.8 + 0.3 * eta),
    }
    out = {name: pd.Series(_bernoulli(rng, p).astype(int), dtype="Int64").where(asked) for name, p in reasons.items()}
    help_table = np.array(list(HELP_BY_ADMIN.values()))
    help_probabilities = help_table[pd.Index(list(HELP_BY_ADMIN)).get_indexer(frame["admin_online"]).clip(0)]
    out["help_sought"] = pd.Series(np.where(asked, _choice(rng, help_probabilities, HELP_LABELS), None), dtype="str")
    out["aware_local_support"] = _bernoulli(rng, logistic(-0.9 + 0.15 * (wave - 2022) + 0.2 * eta)).astype(int)
    out["interested_local_support"] = _bernoulli(rng, logistic(-2.2 + 1.2 * asked + 0.2 * eta)).astype(int)
    return out


# --- margins -------------------------------------------------------------------------------

# The raking variables this generator knows (survey columns), as the example's design.yaml names them.
MARGIN_COLUMNS = (("commune",), ("age_band", "sex"), ("diploma",))


def margins_tables(population: DemoPopulation) -> dict[tuple[str, ...], pd.DataFrame]:
    """Raking margins of the synthetic 15+ population, one table per raking variable (its columns
    then `total`), keyed by the variable's survey columns.

    Commune totals are the area `population_15plus` sums; the age x sex and diploma totals are
    the population's expected counts rounded to integers that add up to the same grand total.
    """
    iris = population.iris
    commune = iris.groupby("commune", as_index=False)["population_15plus"].sum()
    grand_total = int(commune["population_15plus"].sum())
    cells = population.counts.sum(axis=0).reshape(CELL_SHAPE)
    age_sex = cells.sum(axis=(2, 3, 4))
    ages, sexes = np.meshgrid(AGE_BANDS, SEXES, indexing="ij")
    diploma = cells.sum(axis=(0, 1, 3, 4))
    return {
        ("commune",): commune.rename(columns={"population_15plus": "total"}),
        ("age_band", "sex"): pd.DataFrame({
            "age_band": ages.ravel(), "sex": sexes.ravel(),
            "total": largest_remainder(age_sex.ravel(), grand_total),
        }),
        ("diploma",): pd.DataFrame({
            "diploma": DIPLOMAS, "total": largest_remainder(diploma, grand_total),
        }),
    }

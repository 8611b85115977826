"""Synthetic yearly indicator values (DEMONSTRATION DATA, seeded), and the demo values build.

File-based indicators get a series 2021-2025 (or from the year the measure starts) that moves
from the catalogue's baseline towards the target at a chosen fraction of the required pace
(`PACE`: 1 = exactly the required compound growth rate, < 0 = the wrong way; set for the
example's catalogue, drawn from the seed for other indicators), with small multiplicative noise. Computed indicators come from the demo inventories, survey indicators
from the demo survey through the statistics engine. Everything is labelled « démonstration ».
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from observatoire.demo.inventories import write_inventories
from observatoire.indicators.catalog import Catalog, Indicator, load_catalog
from observatoire.indicators.derived import computed_values, survey_values
from observatoire.indicators.values import TERRITORY_LEVEL, VALUE_COLUMNS, merge_values, normalise, write_values
from observatoire.survey_spec import load_spec
from observatoire.territory import Territory

DEFAULT_SEED = 2026
YEARS = tuple(range(2021, 2026))
SOURCE = "démonstration : série synthétique"
# fraction of the required pace at which each file-based series moves (see module docstring)
PACE = {
    "INC08": 1.1, "INC09": 1.4, "INC10": 0.7, "INC11": 0.5, "INC12": 0.9, "SOB02": 1.0, "SOB03": 0.8,
    "SOB04": 0.6, "SOB05": 0.9, "SOB06": 0.3, "SOB07": -0.3, "SOB08": 0.5, "SOB09": 1.2, "ACH03": 1.0,
    "ACH04": 0.7, "ACH05": 1.3, "ACH06": 1.0, "ACH07": 0.4, "DON01": 1.3, "DON02": 0.8, "DON03": 0.9,
    "DON05": -0.2, "CYB02": 1.0, "CYB03": 0.6, "CYB04": 0.9, "GOV01": 0.8, "GOV03": 0.5,
}
FIRST_YEAR = {"SOB05": 2023, "SOB09": 2023, "ACH06": 2024, "INC06": 2023}  # measure starts later
BINARY = {"ACH02": (0, 0, 1, 1, 1), "CYB01": (0, 0, 0, 1, 0), "GOV02": (0, 0, 0, 1, 1)}
BAND_CENTRE = {"INC06": 74.0}
PACE_RANGE = (-0.3, 1.4)  # pace of an indicator `PACE` does not list, drawn uniformly


def _trend(ind: Indicator, years: np.ndarray, pace: float) -> np.ndarray:
    base, t0, target = ind.baseline.value, ind.baseline.year, ind.target
    span = ind.target_year - t0
    if base == 0:  # no growth rate from zero: a straight line towards the target
        return np.maximum(pace * target * (years - t0) / span, 0.0)
    required = (target / base) ** (1 / span) - 1
    return base * (1 + pace * required) ** (years - t0)


def file_series(ind: Indicator, rng: np.random.Generator, code: str) -> pd.DataFrame:
    years = np.array([y for y in YEARS if y >= FIRST_YEAR.get(ind.id, YEARS[0])])
    if ind.id in BINARY:
        values = np.array(BINARY[ind.id], dtype=float)[-len(years):]
    elif ind.direction == "binary":  # achieved from a seeded year on
        values = (years >= rng.choice(years)).astype(float)
    else:
        if ind.direction == "band":
            values = _band_centre(ind) + rng.normal(0, 1.5, len(years))
        else:
            pace = PACE[ind.id] if ind.id in PACE else rng.uniform(*PACE_RANGE)
            values = _trend(ind, years, pace) * np.exp(rng.normal(0, 0.015, len(years)))
        if ind.unit_short == "%":
            values = np.clip(values, 0, 100)
        values[years == ind.baseline.year] = ind.baseline.value  # the declared baseline is the data
    return pd.DataFrame({
        "indicator": ind.id, "year": years, "geo_level": TERRITORY_LEVEL, "geo_code": code,
        "breakdown": "", "value": np.round(values, ind.decimals), "ci_low": None, "ci_high": None,
        "n_unweighted": None, "source": SOURCE,
        "status": np.where(years == YEARS[-1], "provisional", "final"),
    })


def _band_centre(ind: Indicator) -> float:
    if ind.id in BAND_CENTRE:
        return BAND_CENTRE[ind.id]
    return (ind.band.low + ind.band.high) / 2


def file_values(catalog: Catalog, code: str, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = [file_series(ind, rng, code) for ind in catalog.indicators if ind.source.type == "file"]
    return normalise(pd.concat(frames, ignore_index=True)[list(VALUE_COLUMNS)])


def demo_survey_values(catalog: Catalog, territory: Territory) -> pd.DataFrame:
    survey = pd.read_csv(territory.survey, dtype={"commune": str, "iris": str, "respondent_id": str})
    spec = load_spec(territory.survey_description, territory.margins)
    return survey_values(catalog, survey, spec, territory.code, source="enquête de démonstration")


def build_demo_values(territory: Territory, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the territory's demo inventories (when it declares a folder for them) and its values
    file (file-based series, values computed from the inventories, survey estimates)."""
    catalog = load_catalog(territory.catalog)
    parts, written = [file_values(catalog, territory.code, seed)], []
    if territory.inventories is not None:
        written = write_inventories(territory.inventories, seed)
        parts.append(computed_values(catalog, territory.inventories, list(YEARS), territory.code))
    if territory.survey is not None and territory.survey.exists():
        parts.append(demo_survey_values(catalog, territory))
    write_values(merge_values(*parts), territory.values)
    return [*written, territory.values]

"""Values that are computed, not typed: from operational inventories and from the survey.

Both return rows of the long values table (see `values.py`), so that the build writes one
file that the app, the CLI and the static site only read. Survey shares are stored as
percentages (estimate x 100, CI bounds too), like every share in the catalogue.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from observatoire.indicators.catalog import Catalog, Indicator
from observatoire.indicators.footprint import (
    DEFAULT_FACTORS,
    fleet_footprint,
    load_factors,
    read_equipment_inventory,
    refurbished_share,
)
from observatoire.indicators.sovereignty import (
    DEFAULT_NON_SOVEREIGN,
    read_non_sovereign,
    read_software_inventory,
    sovereignty_share,
)
from observatoire.indicators.values import TERRITORY_LEVEL, VALUE_COLUMNS, normalise

VALUES_CI_LEVEL = 0.95


def _rows(indicator: Indicator, frame: pd.DataFrame, column: str, source: str, last_year: int, code: str) -> list[dict]:
    return [{"indicator": indicator.id, "year": int(r.year), "geo_level": TERRITORY_LEVEL, "geo_code": code,
             "breakdown": "", "value": round(float(getattr(r, column)), 4), "ci_low": None, "ci_high": None,
             "n_unweighted": None, "source": source,
             "status": "provisional" if int(r.year) == last_year else "final"}
            for r in frame.itertuples(index=False) if pd.notna(getattr(r, column))]


# The `source` of a computed value, in words (it is shown beside the value: no method or file name).
METHOD_SOURCES = {
    "footprint": "l'inventaire des équipements",
    "refurbished_share": "l'inventaire des équipements",
    "sovereignty": "l'inventaire des logiciels",
}


def computed_values(catalog: Catalog, inventory_dir: Path, years: list[int], territory_code: str,
                    factors_path: Path = DEFAULT_FACTORS, non_sovereign_path: Path = DEFAULT_NON_SOVEREIGN,
                    last_year: int | None = None) -> pd.DataFrame:
    """Rows for every `computed` indicator, from the inventories found in `inventory_dir`."""
    last_year = last_year or max(years)
    rows: list[dict] = []
    for ind in catalog.indicators:
        if ind.source.type != "computed":
            continue
        path = Path(inventory_dir) / ind.source.inventory
        source = f"calcul à partir de {METHOD_SOURCES[ind.source.method]}"
        if ind.source.method == "footprint":
            frame = fleet_footprint(read_equipment_inventory(path), load_factors(factors_path), years)
            rows += _rows(ind, frame, "total_t", source + " (facteurs Boavizta)", last_year, territory_code)
        elif ind.source.method == "refurbished_share":
            rows += _rows(ind, refurbished_share(read_equipment_inventory(path), years), "share", source, last_year,
                          territory_code)
        else:
            shares = sovereignty_share(read_software_inventory(path), read_non_sovereign(non_sovereign_path))
            rows += _rows(ind, shares[shares["year"].isin(years)], "share", source, last_year, territory_code)
    return normalise(pd.DataFrame(rows, columns=list(VALUE_COLUMNS)))


def estimate_rows(indicator: Indicator, table: pd.DataFrame, source: str, territory_code: str) -> list[dict]:
    """Territory-level rows from an estimate table by wave (or wave | domain): shares x 100.

    Withheld estimates (reliability rules) have no value and are left out.
    """
    column, wanted = _domain(indicator)
    scale = 100 if indicator.source.estimator == "proportion" else 1
    rows = []
    for r in table.itertuples(index=False):
        parts = str(r.domain).split(" | ")
        if (wanted is not None and parts[1] != wanted) or pd.isna(r.estimate):
            continue
        wave = int(parts[0])
        rows.append({"indicator": indicator.id, "year": wave, "geo_level": TERRITORY_LEVEL, "geo_code": territory_code,
                     "breakdown": "", "value": _scaled(r.estimate, scale), "ci_low": _scaled(r.ci_low, scale),
                     "ci_high": _scaled(r.ci_high, scale), "n_unweighted": int(r.n_unweighted),
                     "source": f"{source} {wave}", "status": "final"})
    return rows


def _domain(indicator: Indicator) -> tuple[str | None, str | None]:
    if not indicator.source.domain:
        return None, None
    column, value = indicator.source.domain.split("=", 1)
    return column.strip(), value.strip()


def _scaled(value, scale: float) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value) * scale, 4)


def survey_values(catalog: Catalog, survey: pd.DataFrame, spec, territory_code: str, source: str = "enquête",
                  design=None, settings=None, estimator=None) -> pd.DataFrame:
    """Rows for every `survey` indicator, one per wave, through `observatoire.stats`.

    The design comes from the survey description's design.yaml (each wave raked on the census margins and
    trimmed separately, `design_from_spec`); a domain is estimated with `by`, never by dropping
    rows, so its variance stays right. Reliability rules of the engine apply, with the method
    `settings` of the run (observatoire.settings; its defaults when None). `design`: the
    calibrated design of `survey` when the caller already has it (pipeline.run); `estimator`:
    `stats.estimate` or a function with its signature (pipeline.run's computes each table once).
    """
    from observatoire import stats  # imported here: file-only users do not need the engine
    from observatoire.survey_spec import derive

    if design is None:
        design = stats.design_from_spec(derive(survey, spec), spec, settings=settings)
    # The values table's bounds are 95 % ones (values.py), whatever the level of the survey pages.
    settings = {**(settings or {}), "ci_level": VALUES_CI_LEVEL}
    estimator = estimator or stats.estimate
    rows: list[dict] = []
    for ind in catalog.indicators:
        if ind.source.type != "survey":
            continue
        column, _ = _domain(ind)
        by = [spec.design.wave] + ([column] if column else [])
        level = 1 if ind.source.estimator == "proportion" else None
        table = estimator(design, ind.source.variable, kind=ind.source.estimator, level=level, by=by,
                          settings=settings)
        rows += estimate_rows(ind, table, source, territory_code)
    return normalise(pd.DataFrame(rows, columns=list(VALUE_COLUMNS)))

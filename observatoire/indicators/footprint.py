"""IT fleet: carbon footprint per year and share of refurbished purchases vs retired equipment.

Inventory (one row per lot): category, purchase_year, condition (new | refurbished),
retirement_year (empty while in service), count. A lot is in service in the years
purchase_year <= y < retirement_year.

Footprint of year y, per lot (the "simple" device model of boaviztapi, annualised):
- use: count x annual_use_kgco2e (kWh per year x French mix) for every year in service;
- embodied, new equipment: the embodied impact is spread linearly over the factor's reference
  lifetime (share of year k after purchase = clip(lifetime - k, 0, 1) / lifetime); if the lot is
  retired before the end of that lifetime, the unallocated remainder is charged in the retirement
  year, so retiring early never lowers the footprint;
- embodied, refurbished equipment: 0 (cut-off allocation: manufacture belongs to the first life;
  the refurbishing process itself has no open factor in the reference and is left out).
Factors: data/indicators/emission_factors.csv (extracted from boaviztapi by
scripts/extract_boavizta_factors.py, with source, version, year and licence on every row).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from observatoire.errors import UserError
from observatoire.indicators.inventory import integer, one_of, optional_integer, read_inventory, text_value
from observatoire.paths import REFERENCE_DATA_DIR

DEFAULT_FACTORS = REFERENCE_DATA_DIR / "emission_factors.csv"
CONDITIONS = ("new", "refurbished")
INVENTORY_COLUMNS = {
    "category": text_value,
    "purchase_year": integer,
    "condition": one_of(*CONDITIONS),
    "retirement_year": optional_integer,
    "count": integer,
}


def read_equipment_inventory(path: Path | str) -> pd.DataFrame:
    inventory = read_inventory(path, INVENTORY_COLUMNS)
    bad = inventory[(inventory["retirement_year"].notna()) & (inventory["retirement_year"] < inventory["purchase_year"])]
    if not bad.empty:
        raise UserError(f"{Path(path).name} : {len(bad)} lot(s) réformé(s) avant leur achat.",
                        "Vérifiez les années d'achat et de réforme.")
    return inventory


def load_factors(path: Path | str = DEFAULT_FACTORS) -> pd.DataFrame:
    factors = pd.read_csv(path, dtype={"category": str})
    return factors.set_index("category")


def _check_categories(inventory: pd.DataFrame, factors: pd.DataFrame) -> None:
    unknown = sorted(set(inventory["category"]) - set(factors.index))
    if unknown:
        raise UserError(f"Catégorie(s) d'équipement sans facteur d'émission : {', '.join(unknown)}.",
                        f"Catégories disponibles : {', '.join(factors.index)}.")


def _in_service(lot, year: int) -> bool:
    retired = lot.retirement_year
    return lot.purchase_year <= year and (retired is None or pd.isna(retired) or year < retired)


def _embodied_share(lot, year: int, lifetime: float) -> float:
    """Share of the lot's embodied impact charged to `year` (see module docstring)."""
    k = year - lot.purchase_year
    if k < 0:
        return 0.0
    retired = lot.retirement_year
    if retired is not None and not pd.isna(retired) and year >= retired:
        if year > retired:
            return 0.0
        charged = sum(min(max(lifetime - j, 0.0), 1.0) for j in range(k)) / lifetime
        return max(1.0 - charged, 0.0)
    return min(max(lifetime - k, 0.0), 1.0) / lifetime


def fleet_footprint(inventory: pd.DataFrame, factors: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Per year: embodied, use and total emissions in tonnes CO2e, and devices in service."""
    _check_categories(inventory, factors)
    rows = []
    for year in years:
        embodied = use = 0.0
        devices = 0
        for lot in inventory.itertuples(index=False):
            f = factors.loc[lot.category]
            if lot.condition == "new":
                embodied += lot.count * f["embodied_kgco2e"] * _embodied_share(lot, year, f["lifetime_years"])
            if _in_service(lot, year):
                use += lot.count * f["annual_use_kgco2e"]
                devices += lot.count
        rows.append({"year": year, "embodied_t": embodied / 1000, "use_t": use / 1000,
                     "total_t": (embodied + use) / 1000, "devices_in_service": devices})
    return pd.DataFrame(rows)


def refurbished_share(inventory: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Per year: refurbished purchases / retired equipment x 100 (empty when nothing was retired)."""
    rows = []
    for year in years:
        bought = int(inventory.loc[(inventory["purchase_year"] == year)
                                   & (inventory["condition"] == "refurbished"), "count"].sum())
        retired = int(inventory.loc[inventory["retirement_year"] == year, "count"].sum())
        share = 100 * bought / retired if retired else math.nan
        rows.append({"year": year, "refurbished_purchases": bought, "retired": retired, "share": share})
    return pd.DataFrame(rows)

"""Software sovereignty: share of workstations depending on at least one non-sovereign software.

Inventory (one row per software installed on a workstation in a yearly inventory):
year, workstation_id, software. The list of non-sovereign software is data, not code
(data/indicators/non_sovereign_software.csv: software, publisher, criterion), so the
criterion can be discussed and revised in the open. Names are compared case-insensitively,
ignoring surrounding spaces. A workstation with no software line is not in the inventory.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from observatoire.indicators.inventory import integer, read_inventory, text_value
from observatoire.paths import REFERENCE_DATA_DIR

DEFAULT_NON_SOVEREIGN = REFERENCE_DATA_DIR / "non_sovereign_software.csv"
INVENTORY_COLUMNS = {"year": integer, "workstation_id": text_value, "software": text_value}
LIST_COLUMNS = {"software": text_value, "publisher": text_value, "criterion": text_value}


def read_software_inventory(path: Path | str) -> pd.DataFrame:
    return read_inventory(path, INVENTORY_COLUMNS)


def read_non_sovereign(path: Path | str = DEFAULT_NON_SOVEREIGN) -> pd.DataFrame:
    return read_inventory(path, LIST_COLUMNS)


def _key(names: pd.Series) -> pd.Series:
    return names.str.strip().str.casefold()


def sovereignty_share(inventory: pd.DataFrame, non_sovereign: pd.DataFrame) -> pd.DataFrame:
    """Per inventory year: workstations, workstations with >= 1 non-sovereign software, share x 100."""
    flagged = _key(inventory["software"]).isin(set(_key(non_sovereign["software"])))
    per_station = inventory.assign(flagged=flagged).groupby(["year", "workstation_id"])["flagged"].any()
    by_year = per_station.groupby(level="year").agg(workstations="size", dependent="sum").reset_index()
    by_year["dependent"] = by_year["dependent"].astype(int)
    by_year["share"] = 100 * by_year["dependent"] / by_year["workstations"]
    return by_year

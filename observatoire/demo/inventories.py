"""Synthetic operational inventories (DEMONSTRATION DATA, seeded): IT fleet and workstation software.

Equipment: for every category and purchase year, a lot is split into sub-lots by age at
retirement; the mean age at retirement rises over the cohorts (longer lifetimes) and the
refurbished share of purchases rises from 2021 (the refurbished-purchase commitment).
Software: a yearly inventory of a sample of workstations whose Windows share falls as
workstations migrate to a free operating system.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_SEED = 2026
LAST_YEAR = 2025
FIRST_COHORT = 2012
# category -> purchases per year at the start of the period (fleet of ~20 000 users)
PURCHASES = {"laptop": 2400, "desktop": 850, "monitor": 2300, "smartphone": 1900, "tablet": 420}
REFURBISHED_SHARE = {2021: 0.05, 2022: 0.12, 2023: 0.20, 2024: 0.30, 2025: 0.36}
REFURBISHABLE = ("laptop", "desktop", "monitor", "smartphone")
AGES = np.arange(3, 10)
SOFTWARE_YEARS = (2022, 2023, 2024, 2025)
WINDOWS_SHARE = {2022: 0.93, 2023: 0.86, 2024: 0.78, 2025: 0.71}
WORKSTATIONS = 400


def _age_weights(cohort: int) -> np.ndarray:
    """Age-at-retirement distribution of a cohort: mean 4.6 years for 2014, +0.3 per cohort, <= 7."""
    mean = min(4.6 + 0.3 * (cohort - 2014), 7.0)
    weights = np.exp(-0.5 * ((AGES - mean) / 1.0) ** 2)
    return weights / weights.sum()


def equipment_inventory(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for category, base in PURCHASES.items():
        for cohort in range(FIRST_COHORT, LAST_YEAR + 1):
            bought = int(round(base * (1 - 0.05 * max(cohort - 2019, 0))))
            share = REFURBISHED_SHARE.get(cohort, 0.0) if category in REFURBISHABLE else 0.0
            refurbished = int(rng.binomial(bought, share))
            for condition, count in (("new", bought - refurbished), ("refurbished", refurbished)):
                for age, n in zip(AGES, rng.multinomial(count, _age_weights(cohort)), strict=True):
                    retired = cohort + int(age)
                    if n:
                        rows.append({"category": category, "purchase_year": cohort, "condition": condition,
                                     "retirement_year": retired if retired <= LAST_YEAR else None, "count": int(n)})
    frame = pd.DataFrame(rows)
    keys = ["category", "purchase_year", "condition", "retirement_year"]
    frame = frame.groupby(keys, dropna=False, as_index=False)["count"].sum()
    frame["retirement_year"] = frame["retirement_year"].astype("Int64")
    return frame.sort_values(keys).reset_index(drop=True)


def software_inventory(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    rows = []
    for year in SOFTWARE_YEARS:
        for i in range(1, WORKSTATIONS + 1):
            station = f"PT{i:05d}"
            windows = rng.random() < WINDOWS_SHARE[year]
            installed = ["Microsoft Windows" if windows else "Debian GNU/Linux", "Mozilla Firefox", "7-Zip" if windows else "LibreOffice"]
            installed.append("Microsoft Office" if windows and rng.random() < 0.8 else "LibreOffice")
            if rng.random() < (0.35 if windows else 0.08):
                installed.append("Google Chrome")
            if rng.random() < (0.55 if windows else 0.06):
                installed.append("Microsoft Teams")
            installed += ["VLC", "Thunderbird"] if rng.random() < 0.5 else ["Nextcloud"]
            rows += [{"year": year, "workstation_id": station, "software": s} for s in dict.fromkeys(installed)]
    return pd.DataFrame(rows)


def write_inventories(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "equipment_inventory.csv", out_dir / "software_inventory.csv"]
    for frame, path in zip((equipment_inventory(seed), software_inventory(seed)), paths, strict=True):
        frame.to_csv(path, index=False, lineterminator="\n")
    return paths

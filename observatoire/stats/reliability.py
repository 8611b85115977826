"""Reliability and disclosure flags: "ok", "fragile" (à interpréter avec prudence), "withheld".

Rules come from observatoire.settings (see its docstring and ../shared/facts/README.md §6):
withhold when the unweighted n is below `reliability_withhold_n` (11, Insee secret statistique
for data on persons) or the CV above `reliability_withhold_cv` (off by default); fragile when n is
below `reliability_fragile_n` (30) or the CV above `reliability_fragile_cv` (30 %).
A withheld row keeps its n and flag; its estimate, se, interval, cv and deff are blanked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from observatoire import settings as settings_mod

BLANKED = ["estimate", "se", "ci_low", "ci_high", "cv", "deff"]


def reliability_flags(n: np.ndarray, cv: np.ndarray, settings: Mapping[str, Any] | None = None) -> np.ndarray:
    values = settings_mod.resolve(settings)
    n = np.asarray(n, dtype=float)
    cv = np.asarray(cv, dtype=float)
    with np.errstate(invalid="ignore"):
        withhold = n < values["reliability_withhold_n"]
        if values["reliability_withhold_cv"] is not None:
            withhold |= cv > values["reliability_withhold_cv"]
        fragile = (n < values["reliability_fragile_n"]) | (cv > values["reliability_fragile_cv"])
    return np.where(withhold, "withheld", np.where(fragile, "fragile", "ok"))


def apply_reliability(table: pd.DataFrame, settings: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Copy of an estimate table with `flag` set and withheld cells blanked."""
    out = table.copy()
    flags = reliability_flags(out["n_unweighted"], out["cv"], settings)
    out["flag"] = flags
    withheld = flags == "withheld"
    if withheld.any():  # column by column: a multi-column .loc assignment costs ~20x more here
        for column in BLANKED:
            out[column] = out[column].mask(withheld)
    return out

"""The area covariates file: one row per IRIS with its populations and the model's covariates.

CSV (`;` or `,`, UTF-8 or Windows-1252, decimal point or comma) or XLSX. Identifiers, the
populations, then the shares of `MODEL_COVARIATES` in [0, 1] (README, « Area covariates file »).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from observatoire.errors import UserError
from observatoire.readers import read_table

IDENTIFIERS = ("iris", "commune")
POPULATIONS = ("population", "population_15plus")
MODEL_COVARIATES = (
    "share_65plus",
    "share_no_diploma",
    "poverty_rate",
    "share_single_person",
    "unemployment_rate",
    "thd_non_coverage",
    "mobile_non_coverage",
)


def load_covariates(path: str | Path, content: bytes | None = None) -> pd.DataFrame:
    """The covariates file, indexed by IRIS code (text). Empty cells are kept as missing: the
    model names the IRIS and the column if it needs them."""
    frame = read_table(path, content=content).frame
    missing = [c for c in (*IDENTIFIERS, *POPULATIONS, *MODEL_COVARIATES) if c not in frame.columns]
    if missing:
        raise UserError(
            f"Colonne(s) absente(s) du fichier des covariables : {', '.join(missing)}.",
            "Colonnes attendues : " + ", ".join((*IDENTIFIERS, *POPULATIONS, *MODEL_COVARIATES)) + ".",
        )
    table = pd.DataFrame({c: frame[c].str.strip() for c in IDENTIFIERS})
    bad = ~table["iris"].str.fullmatch(r"\d[\dAB]\d{7}") | (table["iris"].str[:5] != table["commune"])
    _refuse(bad, table["iris"], "code IRIS invalide (9 caractères commençant par le code de sa commune)")
    _refuse(table["iris"].duplicated(), table["iris"], "code IRIS en double")
    for column in (*POPULATIONS, *MODEL_COVARIATES):
        text = frame[column].str.strip().str.replace(",", ".", regex=False).replace("", np.nan)
        values = pd.to_numeric(text, errors="coerce")
        _refuse(values.isna() & text.notna(), table["iris"], f"valeur non numérique dans « {column} »")
        limit = np.inf if column in POPULATIONS else 1.0
        _refuse((values < 0) | (values > limit), table["iris"], f"valeur hors de [0 ; {limit:g}] dans « {column} »")
        table[column] = values
    return table.set_index("iris")


def _refuse(bad: pd.Series, iris: pd.Series, what: str) -> None:
    if bad.any():
        rows = ", ".join(f"ligne {i + 2} ({iris.iloc[i]})" for i in np.flatnonzero(bad.to_numpy())[:5])
        raise UserError(f"Fichier des covariables : {what} — {rows}.", "Corrigez ces lignes puis relancez.")


def commune_covariates(covariates: pd.DataFrame) -> pd.DataFrame:
    """Commune-level covariates: populations summed, shares averaged with population weights."""
    weights = covariates["population"]
    shares = covariates[list(MODEL_COVARIATES)].mul(weights, axis=0).groupby(covariates["commune"]).sum()
    totals = covariates.groupby("commune")[list(POPULATIONS)].sum()
    return totals.join(shares.div(totals["population"], axis=0))

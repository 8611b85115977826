"""The survey design: data, weights, strata, primary sampling units (PSU), fpc, calibration history.

Mirrors R's `svydesign(ids=, strata=, weights=, fpc=, nest=TRUE)`: one immutable object that
every estimator reads. Calibration and trimming return a *new* Design (see calibration.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from observatoire import settings as settings_mod
from observatoire.errors import UserError

Columns = str | Sequence[str] | None


@dataclass(frozen=True, eq=False)
class Design:
    data: pd.DataFrame
    weights: np.ndarray  # final weights (after calibration / trimming)
    strata: np.ndarray  # stratum code per row, 0..H-1
    strata_labels: tuple
    psu: np.ndarray  # PSU code per row, 0..P-1, unique across strata (nested)
    psu_stratum: np.ndarray  # stratum code of each PSU
    fpc_population: np.ndarray  # per stratum: number of PSUs in the population (inf = no fpc)
    lonely_psu: str = "fail"
    clustered: bool = False
    calibrations: tuple = ()  # CalibrationStep, in the order applied (variance uses them all)
    history: tuple[dict, ...] = ()  # calibration and trimming diagnostics, as plain data
    wave_column: str | None = None

    # --- construction -------------------------------------------------------------------------

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        weights: str,
        strata: Columns = None,
        cluster: str | None = None,
        fpc: str | None = None,
        lonely_psu: str | None = None,
        wave_column: str | None = None,
    ) -> Design:
        """Checked constructor; `strata` may be several columns (crossed), clusters are nested."""
        strata_cols = _as_list(strata)
        _require_columns(df, [weights, *strata_cols, *_as_list(cluster), *_as_list(fpc)])
        lonely = settings_mod.resolve({"lonely_psu": lonely_psu} if lonely_psu else None)["lonely_psu"]
        data = df.reset_index(drop=True)
        w = _checked_weights(data[weights], weights)
        strata_key = _row_codes(data, strata_cols, "strates") if strata_cols else np.zeros(len(data), np.int64)
        if cluster is None:
            cluster_key = np.arange(len(data), dtype=np.int64)
        else:
            cluster_key = _row_codes(data, [cluster], "unités primaires (cluster)")
        labels = _labels(data, strata_cols, strata_key)
        design = _assemble(data, w, strata_key, labels, cluster_key, lonely, cluster is not None, wave_column)
        fpc_h = _fpc_per_stratum(data[fpc], design) if fpc else np.full(len(labels), np.inf)
        design = dataclasses.replace(design, fpc_population=fpc_h)
        design.check_lonely_psu()
        return design

    def __getstate__(self) -> dict:
        """The fields only: derived quantities and memos (below) are recomputed after unpickling,
        so a stored design does not depend on which figures were asked of it before."""
        return {f.name: self.__dict__[f.name] for f in dataclasses.fields(self)}

    # --- derived quantities (cached: the object is immutable) --------------------------------

    @property
    def n(self) -> int:
        return len(self.weights)

    @cached_property
    def n_psu(self) -> np.ndarray:
        """Number of sampled PSUs per stratum."""
        return np.bincount(self.psu_stratum, minlength=len(self.strata_labels))

    @property
    def degrees_of_freedom(self) -> int:
        """R's degf(): number of PSUs minus number of strata."""
        return int(len(self.psu_stratum) - len(self.strata_labels))

    @property
    def calibrated(self) -> bool:
        return bool(self.calibrations)

    @cached_property
    def cache(self) -> dict:
        """Per-design memo for derived matrices (variance.py); the design itself never changes."""
        return {}

    @cached_property
    def psu_aggregator(self) -> sparse.csr_matrix | None:
        """(PSU x row) indicator matrix; None when each row is its own PSU."""
        if not self.clustered:
            return None
        ones = np.ones(self.n)
        return sparse.csr_matrix((ones, (self.psu, np.arange(self.n))), shape=(len(self.psu_stratum), self.n))

    @property
    def unit_stratum(self) -> np.ndarray:
        """Stratum of each variance unit: PSUs when clustered, else rows (each row is a PSU)."""
        return self.psu_stratum if self.clustered else self.strata

    @cached_property
    def stratum_aggregator(self) -> sparse.csr_matrix:
        """(stratum x variance unit) indicator matrix."""
        units = len(self.unit_stratum)
        shape = (len(self.strata_labels), units)
        return sparse.csr_matrix((np.ones(units), (self.unit_stratum, np.arange(units))), shape=shape)

    @cached_property
    def lonely_strata(self) -> np.ndarray:
        """Strata with a single sampled PSU that was not taken with certainty (population of
        more than one PSU): R's singletons, handled by `lonely_psu` in variance.py. A one-PSU
        stratum whose fpc says its population is that PSU has no variance and is not lonely."""
        return (self.n_psu == 1) & (self.fpc_population > 1)

    def stratum_scale(self) -> np.ndarray:
        """(1 - f_h) n_h / (n_h - 1) per stratum; 0 for a lonely PSU (handled in variance.py)."""
        n_h = self.n_psu.astype(float)
        finite = np.isfinite(self.fpc_population)
        one_minus_f = np.where(finite, 1.0 - n_h / np.where(finite, self.fpc_population, 1.0), 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(n_h > 1, one_minus_f * n_h / (n_h - 1), 0.0)

    def check_lonely_psu(self) -> None:
        lonely = np.flatnonzero(self.lonely_strata)
        if len(lonely) and self.lonely_psu == "fail":
            names = ", ".join(str(self.strata_labels[h]) for h in lonely[:5])
            raise UserError(
                f"Strate(s) avec une seule unité primaire : {names}. La variance n'y est pas définie "
                "(R s'arrête aussi : « Stratum has only one PSU », option survey.lonely.psu = 'fail').",
                "Regroupez ces strates avec une strate voisine, ou choisissez le réglage lonely_psu "
                "= adjust ou average (variance approchée, comme R) ou certainty (strate exhaustive).",
            )
        if len(lonely) and len(lonely) == len(self.strata_labels) and self.lonely_psu == "average":
            raise UserError(
                "Toutes les strates n'ont qu'une seule unité primaire : le réglage lonely_psu = average "
                "n'a aucune autre strate dont reprendre la variance moyenne (R donne NaN).",
                "Choisissez lonely_psu = adjust, ou regroupez des strates.",
            )

    # --- new designs --------------------------------------------------------------------------

    def with_weights(self, weights: np.ndarray, calibration: Any = None, record: dict | None = None) -> Design:
        """A copy with new final weights, optionally appending a calibration step and a record."""
        w = np.asarray(weights, dtype=float).copy()
        w.setflags(write=False)
        return dataclasses.replace(
            self,
            weights=w,
            calibrations=self.calibrations + ((calibration,) if calibration is not None else ()),
            history=self.history + ((record,) if record is not None else ()),
        )

    def subset_rows(self, mask: np.ndarray) -> Design:
        """Drop rows. Exact only when the kept rows form a sample of their own (a wave): for a
        domain inside one sample use estimate(by=...), which keeps every row (zero weights)."""
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(rows) == 0:
            raise UserError("Aucun répondant dans la sélection demandée.", "Vérifiez le filtre (vague, année).")
        stratum_codes, strata_inverse = np.unique(self.strata[rows], return_inverse=True)
        design = _assemble(
            self.data.iloc[rows].reset_index(drop=True),
            self.weights[rows],
            strata_inverse,
            tuple(self.strata_labels[h] for h in stratum_codes),
            self.psu[rows],
            self.lonely_psu,
            self.clustered,
            self.wave_column,
        )
        return dataclasses.replace(
            design,
            fpc_population=self.fpc_population[stratum_codes],
            calibrations=tuple(step.take(rows) for step in self.calibrations),
            history=self.history,
        )

    def subset_wave(self, year: Any, column: str | None = None) -> Design:
        """The design of one survey wave (each wave is an independent, separately weighted sample)."""
        column = column or self.wave_column
        if column is None or column not in self.data:
            raise UserError("Ce plan de sondage n'a pas de colonne de vague.", "Indiquez la colonne (ex. « wave »).")
        values = self.data[column]
        mask = (values.astype(str) == str(year)).to_numpy()
        if not mask.any():
            known = ", ".join(sorted(values.astype(str).unique()))
            raise UserError(f"Vague « {year} » absente des données.", f"Vagues présentes : {known}.")
        return self.subset_rows(mask)


# --- helpers ----------------------------------------------------------------------------------


def _as_list(columns: Columns) -> list[str]:
    if columns is None:
        return []
    return [columns] if isinstance(columns, str) else list(columns)


def _require_columns(df: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UserError(
            f"Colonne(s) du plan de sondage absente(s) des données : {', '.join(missing)}.",
            f"Colonnes disponibles : {', '.join(map(str, df.columns[:30]))}.",
        )


def _checked_weights(column: pd.Series, name: str) -> np.ndarray:
    w = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(w) | (w <= 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise UserError(
            f"{int(bad.sum())} poids non valides dans « {name} » (manquants, non numériques ou ≤ 0) ; "
            f"premier à la ligne {first + 1} : « {column.iloc[first]} ».",
            "Chaque répondant doit avoir un poids de sondage strictement positif.",
        )
    w.setflags(write=False)
    return w


def _row_codes(data: pd.DataFrame, columns: list[str], what: str) -> np.ndarray:
    """One integer code per row for the combination of `columns` (sorted like R's factor levels)."""
    parts = []
    for column in columns:
        codes, _ = pd.factorize(data[column], sort=True)
        if (codes < 0).any():
            raise UserError(
                f"Valeurs manquantes dans la colonne « {column} » ({what}) : {int((codes < 0).sum())} ligne(s).",
                "Chaque répondant doit avoir une valeur pour les colonnes du plan de sondage.",
            )
        parts.append(codes.astype(np.int64))
    key = parts[0]
    for codes in parts[1:]:
        key = key * (int(codes.max()) + 1) + codes
    return pd.factorize(key, sort=True)[0].astype(np.int64)


def _labels(data: pd.DataFrame, columns: list[str], key: np.ndarray) -> tuple:
    if not columns:
        return ("ensemble",)
    first = np.unique(key, return_index=True)[1]
    rows = data.iloc[first][columns]
    if len(columns) == 1:
        return tuple(rows[columns[0]].tolist())
    return tuple(rows.itertuples(index=False, name=None))


def _assemble(data, weights, strata, labels, cluster_key, lonely, clustered, wave_column) -> Design:
    """Factorise (stratum, cluster) into nested PSU codes and build the object."""
    strata = np.asarray(strata, dtype=np.int64)
    psu, first = pd.factorize(strata * (int(np.max(cluster_key)) + 1) + np.asarray(cluster_key), sort=True)
    psu_stratum = (first // (int(np.max(cluster_key)) + 1)).astype(np.int64)
    arrays = [np.asarray(weights, dtype=float), strata, psu.astype(np.int64), psu_stratum]
    for array in arrays:
        array.setflags(write=False)
    w, strata, psu, psu_stratum = arrays
    return Design(
        data=data,
        weights=w,
        strata=strata,
        strata_labels=tuple(labels),
        psu=psu,
        psu_stratum=psu_stratum,
        fpc_population=np.full(len(labels), np.inf),
        lonely_psu=lonely,
        clustered=clustered,
        wave_column=wave_column,
    )


def _fpc_per_stratum(column: pd.Series, design: Design) -> np.ndarray:
    """Population size (number of PSUs) per stratum from an fpc column, by R's `as.fpc` rules:
    all values >= 1 with some > 1 are population sizes (a 1 is then a one-PSU population: that
    stratum is taken with certainty); all values <= 1 are sampling fractions (population =
    sampled PSUs / fraction, 0 = infinite population); a mix of < 1 and > 1, or 1 everywhere
    (R: « Must have all fpc>=1 or all fpc<=1 »), is refused."""
    name = column.name
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise UserError(
            f"Correction de population finie (colonne « {name} ») manquante, non numérique ou négative : "
            f"{int(bad.sum())} ligne(s), première à la ligne {first + 1} (« {column.iloc[first]} »).",
            "Indiquez pour chaque répondant la taille de la population de sa strate (en unités primaires) "
            "ou le taux de sondage de sa strate (entre 0 et 1).",
        )
    h = design.strata
    low = np.full(len(design.strata_labels), np.inf)
    high = np.full(len(design.strata_labels), -np.inf)
    np.minimum.at(low, h, values)
    np.maximum.at(high, h, values)
    varies = ~np.isclose(low, high, rtol=1e-12, atol=0)
    if varies.any():
        raise UserError(
            f"La colonne « {name} » (fpc) varie à l'intérieur de la strate « {design.strata_labels[np.argmax(varies)]} ».",
            "La taille de population (ou le taux de sondage) est une valeur par strate : la même pour tous ses répondants.",
        )
    sizes = bool((values > 1).any())
    if sizes and (values < 1).any():
        raise UserError(
            f"La colonne « {name} » (fpc) mélange des taux de sondage (< 1) et des tailles de population (> 1).",
            "Donnez partout des tailles de population (une strate exhaustive d'une seule unité vaut alors 1) "
            "ou partout des taux de sondage (≤ 1). R refuse aussi ce mélange.",
        )
    if not sizes and (values == 1).all():
        raise UserError(
            f"La colonne « {name} » (fpc) vaut 1 partout : taux de sondage de 100 % ou population d'une "
            "seule unité, toutes les variances seraient nulles (R refuse aussi cette colonne).",
            "Indiquez les tailles de population des strates ou leurs taux de sondage.",
        )
    with np.errstate(divide="ignore"):
        population = high if sizes else np.where(high > 0, design.n_psu / high, np.inf)
    short = population < design.n_psu - 1e-9
    if short.any():
        stratum = int(np.argmax(short))
        raise UserError(
            f"La colonne fpc « {name} » implique un taux de sondage de plus de 100 % dans la strate "
            f"« {design.strata_labels[stratum]} » ({design.n_psu[stratum]} unités tirées pour une "
            f"population de {population[stratum]:g}).",
            "La taille de population d'une strate ne peut être inférieure au nombre d'unités primaires tirées.",
        )
    return population

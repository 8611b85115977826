"""Calibration of weights to population margins: raking, linear (GREG), trimming, diagnostics.

Margins are `{variable or (variables...): {category or (categories...): population total}}`.
Every calibration returns a new Design whose `calibrations` history keeps the calibration
model (margin indicators, weights before and after) so that variance.py can use the residuals
of the design-weighted regression on it, as R's `calibrate()` does (Deville & Särndal 1992).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from observatoire import settings as settings_mod
from observatoire.errors import UserError
from observatoire.stats.design import Design

Margins = Mapping[Any, Mapping[Any, float]]
TOTALS_TOLERANCE = 1e-6  # relative disagreement allowed between the grand totals of two margins


@dataclass(frozen=True, eq=False)
class Term:
    """One margin: a category index per row and the population total of each category."""

    key: str | tuple[str, ...]
    codes: np.ndarray
    categories: tuple
    totals: np.ndarray

    def take(self, rows: np.ndarray) -> Term:
        return Term(self.key, self.codes[rows], self.categories, self.totals)


@dataclass(frozen=True, eq=False)
class CalibrationStep:
    """The calibration model of one step: margins' indicators X, weights before (d) and after (w)."""

    method: str
    terms: tuple[Term, ...]
    design_weights: np.ndarray
    weights: np.ndarray
    margins: Margins
    tolerance: tuple[float, int]  # epsilon and maximum iterations used (re-used by a re-raking)

    def take(self, rows: np.ndarray) -> CalibrationStep:
        terms = tuple(t.take(rows) for t in self.terms)
        return CalibrationStep(
            self.method, terms, self.design_weights[rows], self.weights[rows], self.margins, self.tolerance
        )

    @cached_property
    def columns(self) -> np.ndarray:
        """(margins x rows): the column of X holding each row's indicator, per margin."""
        return indicator_columns(self.terms)

    @property
    def n_columns(self) -> int:
        return sum(len(t.categories) for t in self.terms)

    @cached_property
    def model_matrix(self) -> sparse.csr_matrix:
        return indicator_matrix(self.columns, self.n_columns)


def indicator_columns(terms: tuple[Term, ...]) -> np.ndarray:
    offsets = np.cumsum([0] + [len(t.categories) for t in terms[:-1]])
    return np.stack([t.codes + off for t, off in zip(terms, offsets)])


def indicator_matrix(columns: np.ndarray, n_columns: int) -> sparse.csr_matrix:
    """Sparse (rows x categories) indicators from (margins x rows) columns: one 1 per margin."""
    per_row, n = columns.shape
    indptr = np.arange(0, n * per_row + 1, per_row)
    return sparse.csr_matrix((np.ones(n * per_row), columns.T.ravel(), indptr), shape=(n, n_columns))


# --- margins -> terms ---------------------------------------------------------------------------


def label(value: Any) -> str:
    """Canonical text of a category (2022, 2022.0 and "2022" all give "2022")."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _margin_key(category: Any, width: int) -> tuple:
    parts = category if isinstance(category, tuple) else (category,)
    if len(parts) != width:
        raise UserError(f"Catégorie de marge « {category} » : {width} valeur(s) attendue(s).", "")
    return tuple(label(p) for p in parts)


def build_terms(design: Design, margins: Margins) -> tuple[Term, ...]:
    if not margins:
        raise UserError("Aucune marge de calage fournie.", "Donnez au moins une variable et ses totaux.")
    terms = tuple(_term(design.data, key, totals) for key, totals in margins.items())
    grand = np.array([t.totals.sum() for t in terms])
    if np.ptp(grand) > TOTALS_TOLERANCE * grand.max():
        detail = " ; ".join(f"{t.key} : {g:,.0f}".replace(",", " ") for t, g in zip(terms, grand))
        raise UserError(
            f"Les marges de calage ne donnent pas le même total de population ({detail}).",
            "Toutes les marges doivent porter sur la même population : vérifiez les fichiers de marges.",
        )
    return terms


def _term(data: pd.DataFrame, key: Any, totals: Mapping[Any, float]) -> Term:
    columns = (key,) if isinstance(key, str) else tuple(key)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise UserError(f"Variable de calage absente des données : {', '.join(missing)}.", "")
    codes, observed = _observed_categories(data, columns)
    wanted = {_margin_key(cat, len(columns)): float(total) for cat, total in totals.items()}
    if any(not np.isfinite(t) or t < 0 for t in wanted.values()):
        raise UserError(f"Marge « {key} » : les totaux doivent être des nombres positifs ou nuls.", "")
    unknown = [c for c in observed if c not in wanted]
    if unknown:
        raise UserError(
            f"Marge « {key} » : catégorie(s) présente(s) dans l'échantillon mais absente(s) des marges : "
            f"{', '.join(':'.join(c) for c in unknown[:5])}.",
            "Ajoutez ces catégories au fichier de marges ou recodez-les.",
        )
    present = set(observed)
    empty = [c for c, t in wanted.items() if t > 0 and c not in present]
    if empty:
        raise UserError(
            f"Marge « {key} » : catégorie(s) avec une population mais aucun répondant : "
            f"{', '.join(':'.join(c) for c in empty[:5])}. Le calage est impossible.",
            "Regroupez ces catégories avec une catégorie voisine (dans les marges et les données).",
        )
    zero = [c for c in observed if wanted[c] == 0]
    if zero:
        raise UserError(
            f"Marge « {key} » : total nul pour des catégories qui ont des répondants : "
            f"{', '.join(':'.join(c) for c in zero[:5])}.",
            "Corrigez le fichier de marges.",
        )
    categories = [c for c in wanted if c in present]
    position = np.array([categories.index(c) for c in observed], dtype=np.int64)
    name = columns[0] if len(columns) == 1 else columns
    return Term(name, position[codes], tuple(categories), np.array([wanted[c] for c in categories]))


def _observed_categories(data: pd.DataFrame, columns: tuple[str, ...]) -> tuple[np.ndarray, list[tuple]]:
    parts, uniques = [], []
    for column in columns:
        codes, values = pd.factorize(data[column])
        if (codes < 0).any():
            raise UserError(
                f"Variable de calage « {column} » : {int((codes < 0).sum())} valeur(s) manquante(s).",
                "Imputez ou retirez ces répondants avant le calage.",
            )
        parts.append(codes.astype(np.int64))
        uniques.append([label(v) for v in values])
    key = np.ravel_multi_index(parts, [len(u) for u in uniques]) if len(parts) > 1 else parts[0]
    codes, combos = pd.factorize(key)
    split = np.unravel_index(np.asarray(combos), [len(u) for u in uniques])
    observed = [tuple(uniques[j][split[j][i]] for j in range(len(columns))) for i in range(len(combos))]
    return codes.astype(np.int64), observed


# --- raking (iterative proportional fitting) ----------------------------------------------------


def _options(epsilon: float | None, max_iter: int | None) -> tuple[float, int]:
    values = settings_mod.resolve()
    return (
        values["raking_epsilon"] if epsilon is None else epsilon,
        values["raking_max_iterations"] if max_iter is None else max_iter,
    )


def _misfit(terms: tuple[Term, ...], w: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [np.bincount(t.codes, w, len(t.categories)) - t.totals for t in terms]
    )


def _relative_misfit(terms: tuple[Term, ...], w: np.ndarray) -> float:
    totals = np.concatenate([t.totals for t in terms])
    return float(np.max(np.abs(_misfit(terms, w)) / (1 + np.abs(totals))))


def rake(design: Design, margins: Margins, epsilon: float | None = None, max_iter: int | None = None) -> Design:
    """Raking by iterative proportional fitting (R's `rake()` weights); the variance then uses
    the calibration (raking-function) linearisation, as `calibrate(calfun = "raking")`."""
    return _ipf(design, build_terms(design, margins), margins, *_options(epsilon, max_iter))


def _ipf(design: Design, terms: tuple[Term, ...], margins: Margins, epsilon: float, max_iter: int) -> Design:
    w = design.weights.copy()
    for iteration in range(1, max_iter + 1):
        for t in terms:
            current = np.bincount(t.codes, w, len(t.categories))
            w *= (t.totals / current)[t.codes]
        if _relative_misfit(terms, w) < epsilon:
            return _calibrated(design, terms, margins, "raking", w, iteration, (epsilon, max_iter))
    raise _not_converged(terms, w, max_iter)


def _not_converged(terms: tuple[Term, ...], w: np.ndarray, max_iter: int) -> UserError:
    return UserError(
        f"Le calage n'a pas convergé en {max_iter} itérations (écart maximal aux marges : "
        f"{np.max(np.abs(_misfit(terms, w))):.3g}). Les marges sont probablement incompatibles "
        "avec l'échantillon (croisements vides).",
        "Regroupez des catégories peu représentées ou vérifiez la cohérence des marges.",
    )


# --- generalised calibration (Deville-Särndal, Newton iterations as R's grake) ------------------

_DISTANCES = {
    # name: (g = F(u), F'(u))
    "raking": (np.exp, np.exp),
    "linear": (lambda u: 1.0 + u, np.ones_like),
}


def calibrate(
    design: Design,
    margins: Margins,
    method: str = "raking",
    epsilon: float | None = None,
    max_iter: int | None = None,
) -> Design:
    """Calibration with the raking (exponential) or linear (GREG) distance; Newton steps on the
    calibration equations X'(d g) = T, as R's `calibrate(..., calfun=)`."""
    if method not in _DISTANCES:
        raise UserError(f"Méthode de calage inconnue : « {method} ».", f"Choix : {', '.join(_DISTANCES)}.")
    return _newton(design, build_terms(design, margins), margins, method, *_options(epsilon, max_iter))


def _newton(design: Design, terms: tuple[Term, ...], margins: Margins, method: str, epsilon: float, max_iter: int):
    x = indicator_matrix(indicator_columns(terms), sum(len(t.categories) for t in terms))
    population = np.concatenate([t.totals for t in terms])
    d = design.weights
    g_of, dg_of = _DISTANCES[method]
    eta = np.zeros(x.shape[1])
    for iteration in range(1, max_iter + 1):
        u = x @ eta
        misfit = population - x.T @ (d * g_of(u))
        hessian = (x.T @ x.multiply((d * dg_of(u))[:, None])).toarray()
        eta = eta + np.linalg.lstsq(hessian, misfit, rcond=None)[0]
        w = d * g_of(x @ eta)
        if not np.isfinite(w).all():
            break
        if np.max(np.abs(population - x.T @ w) / (1 + np.abs(population))) < epsilon:
            return _calibrated(design, terms, margins, method, w, iteration, (epsilon, max_iter))
    raise _not_converged(terms, d * g_of(x @ eta), max_iter)


def _calibrated(design: Design, terms, margins, method: str, w: np.ndarray, iterations: int, tolerance) -> Design:
    step = CalibrationStep(method, terms, design.weights, w, margins, tolerance)
    g = w / design.weights
    record = {
        "step": "calibration",
        "method": method,
        "margins": [t.key if isinstance(t.key, str) else " × ".join(t.key) for t in terms],
        "iterations": iterations,
        "converged": True,
        "max_abs_margin_error": float(np.max(np.abs(_misfit(terms, w)))),
        "g_min": float(g.min()),
        "g_max": float(g.max()),
        "weight_ratio": float(w.max() / w.min()) if w.min() > 0 else float("inf"),
        "negative_weights": int((w < 0).sum()),
    }
    return design.with_weights(w, step, record)


# --- trimming -----------------------------------------------------------------------------------


def trim(
    design: Design,
    lower: float | np.ndarray = -np.inf,
    upper: float | np.ndarray = np.inf,
    strict: bool = False,
    rerake: bool = True,
    by: str | None = None,
) -> Design:
    """R's `trimWeights()`: clamp weights to [lower, upper] and share the trimmed amount equally
    (additively) among the weights that were inside the bounds, within each group of `by`
    (None = the whole sample, as R). `strict` repeats until every weight is inside the bounds.
    `rerake` then re-applies the last calibration's margins (bounds may be crossed again)."""
    lower = np.broadcast_to(np.asarray(lower, dtype=float), design.weights.shape)
    upper = np.broadcast_to(np.asarray(upper, dtype=float), design.weights.shape)
    if (lower > upper).any():
        raise UserError("Bornes d'écrêtage incohérentes : la borne basse dépasse la borne haute.", "")
    group = np.zeros(design.n, np.int64) if by is None else pd.factorize(design.data[by])[0]
    w, passes = design.weights.copy(), 0
    while passes < 100:
        outside = (w < lower) | (w > upper)
        if not outside.any():
            break
        passes += 1
        clamped = np.clip(w, lower, upper)
        excess = np.bincount(group, clamped - w)
        inside = np.bincount(group, ~outside)
        if (inside[np.unique(group[outside])] == 0).any():
            raise UserError("Écrêtage impossible : tous les poids d'un groupe sont hors des bornes.", "")
        w = np.where(outside, clamped, w - (excess / np.maximum(inside, 1))[group])
        if not strict:
            break
    if passes == 0:
        return design
    record = {
        "step": "trimming",
        "passes": passes,
        "weights_trimmed": int(((design.weights < lower) | (design.weights > upper)).sum()),
        "weight_ratio": float(w.max() / w.min()) if w.min() > 0 else float("inf"),
    }
    trimmed = design.with_weights(w, None, record)
    if rerake and design.calibrations:  # same margins, same rows: reuse the margin indicators
        last = design.calibrations[-1]
        if last.method == "raking":
            return _ipf(trimmed, last.terms, last.margins, *last.tolerance)
        return _newton(trimmed, last.terms, last.margins, last.method, *last.tolerance)
    return trimmed


# --- diagnostics --------------------------------------------------------------------------------


def weight_diagnostics(design: Design) -> dict:
    """Summary of the weights for the methodology page (Kish design effect due to weighting)."""
    w = design.weights
    total, squares = float(w.sum()), float(np.square(w).sum())
    return {
        "n": int(design.n),
        "sum": total,
        "mean": total / design.n,
        "min": float(w.min()),
        "max": float(w.max()),
        "max_min_ratio": float(w.max() / w.min()) if w.min() > 0 else float("inf"),
        "cv": float(w.std() / w.mean()),
        "kish_deff": design.n * squares / total**2,
        "effective_n": total**2 / squares,
        "history": list(design.history),
    }

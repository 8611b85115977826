"""Ranked lists of neighbourhoods (IRIS) to target, with the uncertainty of the ranking.

Areas are ranked by the estimated share in difficulty, by the estimated number of people in
difficulty (share x population aged 15+), or by the fragility index. The uncertainty of ranks
is simulated: each draw takes theta_i* ~ N(theta_hat_i, MSE_i) independently on the arcsine
scale (where the Fay–Herriot model is normal), back-transforms p_i* = sin^2(theta_i*) (theta
clipped to [0, pi/2]), recomputes the score (for the index, the decile of the share is
recomputed over all areas of the territory in each draw) and ranks the areas. Draws ignore the
small correlation between areas that the common estimate of beta induces. Rank 1 = highest
score; ties (frequent for the index, a mean of deciles) are broken by the share.

Exports: CSV with `;` separator, decimal comma and a UTF-8 BOM, so that French Excel opens it
correctly in one click, and XLSX; both as bytes (no file written), keys as in `LIST_COLUMNS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from observatoire.errors import UserError
from observatoire.export import csv_bytes, xlsx_bytes
from observatoire.fragility import COMPONENT_COLUMNS, deciles
from observatoire.settings import SETTINGS

BY = ("share", "count", "index")
BY_LABELS_FR = {
    "share": "part estimée de personnes en difficulté",
    "count": "nombre estimé de personnes en difficulté (part × population de 15 ans et plus)",
    "index": "indice de fragilité numérique (inspiré de l'IFN)",
}
DEFAULT_SEED = 20_260_101
DEFAULT_DRAWS = 4000
OUTLIER_RESIDUAL = 2.5

# Stable keys of the ranked list (CSV/XLSX headers, JSON keys), with their French meaning.
LIST_COLUMNS = {
    "rank": "rang (1 = zone la plus prioritaire selon le critère)",
    "rank_low": "borne basse de l'intervalle de rang à 95 % (simulation)",
    "rank_high": "borne haute de l'intervalle de rang à 95 % (simulation)",
    "p_top_k": "probabilité d'être parmi les k premières zones (simulation)",
    "commune": "code Insee de la commune",
    "commune_name": "nom de la commune",
    "iris": "code IRIS",
    "iris_name": "nom de l'IRIS",
    "n_unweighted": "nombre de répondants dans l'IRIS (non pondéré)",
    "direct": "estimation directe (pondérée) de la part en difficulté ; vide si moins de 11 répondants",
    "estimate": "estimation sur petits domaines (modèle de Fay-Herriot) de la part en difficulté",
    "ci_low": "borne basse de l'intervalle à 95 % de la part",
    "ci_high": "borne haute de l'intervalle à 95 % de la part",
    "method": "EBLUP (l'IRIS a des répondants) ou synthétique (aucun répondant : prédiction du modèle seule)",
    "population_15plus": "population de 15 ans et plus",
    "count": "nombre estimé de personnes en difficulté (part × population de 15 ans et plus)",
    "fragility_index": "indice de fragilité numérique, de 1 à 10 (10 = le plus fragile)",
    "flag": "signalements, séparés par « ; » (ok si aucun)",
}
FLAGS_FR = {
    "synthetic": "synthétique (aucun répondant)",
    "small_n": "petit échantillon",
    "smoothed": "variance lissée",
    "outlier": "résidu atypique",
}


@dataclass(frozen=True)
class RankDraws:
    """Simulated ranks (draws x areas) of the selected areas, and the point ranks."""

    point: np.ndarray
    draws: np.ndarray

    def interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        tail = (1 - level) / 2
        low = np.quantile(self.draws, tail, axis=0, method="lower")
        high = np.quantile(self.draws, 1 - tail, axis=0, method="higher")
        return low.astype(int), high.astype(int)

    def p_top(self, k: int) -> np.ndarray:
        return (self.draws <= k).mean(axis=0)


def _share_draws(areas: pd.DataFrame, n_draws: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    theta = areas["theta"].to_numpy(dtype=float)
    sd = np.sqrt(areas["theta_mse"].to_numpy(dtype=float))
    draws = theta + sd * rng.standard_normal((n_draws, len(areas)))
    return np.sin(np.clip(draws, 0.0, np.pi / 2)) ** 2


def _index_from_share(share: np.ndarray, fixed_deciles: np.ndarray) -> np.ndarray:
    """Fragility index given the share in difficulty (1-D or draws x areas)."""
    share_deciles = np.apply_along_axis(deciles, -1, share)
    return (share_deciles + fixed_deciles.sum(axis=1)) / (fixed_deciles.shape[1] + 1)


def _scores(areas: pd.DataFrame, share: np.ndarray, by: str) -> np.ndarray:
    if by == "share":
        return share
    if by == "count":
        return share * areas["population_15plus"].to_numpy(dtype=float)
    other = [c for c in COMPONENT_COLUMNS if c != "share_in_difficulty"]
    fixed = np.column_stack([deciles(areas[c]) for c in other])
    return _index_from_share(share, fixed)


def _ranks(score: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score along the last axis; ties broken by the higher tiebreak."""
    score, tiebreak = np.atleast_2d(score), np.atleast_2d(tiebreak)
    order = np.lexsort((-tiebreak, -score), axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, score.shape[-1] + 1), axis=-1)
    return ranks


def simulate_ranks(
    areas: pd.DataFrame,
    by: str = "share",
    selected=None,
    *,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> RankDraws:
    """Point ranks and simulated ranks of the `selected` areas (boolean mask; default all).

    `areas` needs `estimate`, `theta`, `theta_mse`, plus `population_15plus` (by="count") or
    the fragility components other than the share (by="index"). Scores are computed over all
    areas (the index deciles are territory-wide), ranks among the selected ones.
    """
    if by not in BY:
        raise UserError(f"Critère de classement inconnu : « {by} ».", f"Critères possibles : {', '.join(BY)}.")
    mask = np.ones(len(areas), dtype=bool) if selected is None else np.asarray(selected, dtype=bool)
    point_share = areas["estimate"].to_numpy(dtype=float)
    share = _share_draws(areas, n_draws, seed)
    point = _ranks(_scores(areas, point_share, by)[mask], point_share[mask])[0]
    draws = _ranks(_scores(areas, share, by)[:, mask], share[:, mask])
    return RankDraws(point=point, draws=draws)


def _flags(areas: pd.DataFrame) -> list[list[str]]:
    small_n = SETTINGS["reliability_fragile_n"].default
    flags = []
    for row in areas.itertuples(index=False):
        found = []
        if row.n_unweighted == 0:
            found.append(FLAGS_FR["synthetic"])
        elif row.n_unweighted < small_n:
            found.append(f"{FLAGS_FR['small_n']} (n < {small_n})")
        if row.variance_smoothed and row.n_unweighted > 0:
            found.append(FLAGS_FR["smoothed"])
        if abs(row.std_residual) > OUTLIER_RESIDUAL:
            found.append(FLAGS_FR["outlier"])
        flags.append(found)
    return flags


def rank_areas(
    areas: pd.DataFrame,
    by: str = "share",
    *,
    top: int | None = 20,
    k: int | None = None,
    commune: str | None = None,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """The ranked list: one row per IRIS (best first), columns `LIST_COLUMNS` plus `flags`.

    `areas`: one row per IRIS with commune, commune_name, iris, iris_name, population_15plus,
    the small-area columns (n_unweighted, direct, estimate, ci_low, ci_high, method, theta,
    theta_mse, variance_smoothed, std_residual) and the fragility components and index.
    `commune` keeps the IRIS of one commune (ranked among themselves). `k` (default: `top`)
    is the size of the "top k" whose probability is reported; `top` truncates the list.
    """
    mask = np.ones(len(areas), dtype=bool)
    if commune is not None:
        mask = (areas["commune"] == commune).to_numpy()
        if not mask.any():
            raise UserError(
                f"Aucun IRIS pour la commune « {commune} ».",
                "Donnez un code Insee de commune à 5 caractères de la métropole (ex. 33063 pour Bordeaux).",
            )
    ranks = simulate_ranks(areas, by, mask, n_draws=n_draws, seed=seed)
    k = min(k or top or int(mask.sum()), int(mask.sum()))
    low, high = ranks.interval()
    chosen = areas.loc[mask].copy()
    withhold_n = SETTINGS["reliability_withhold_n"].default
    chosen["direct"] = chosen["direct"].where(chosen["n_unweighted"] >= withhold_n)
    chosen["count"] = chosen["estimate"] * chosen["population_15plus"]
    chosen["rank"], chosen["rank_low"], chosen["rank_high"] = ranks.point, low, high
    chosen["p_top_k"] = ranks.p_top(k)
    flags = _flags(chosen)
    chosen["flag"] = ["; ".join(f) if f else "ok" for f in flags]
    chosen["flags"] = flags
    chosen = chosen.sort_values("rank", kind="stable")[list(LIST_COLUMNS) + ["flags"]]
    chosen.attrs.update({"by": by, "k": k, "n_draws": n_draws, "seed": seed, "commune": commune})
    return (chosen.head(top) if top else chosen).reset_index(drop=True)


def _export_table(ranked: pd.DataFrame) -> pd.DataFrame:
    return ranked[list(LIST_COLUMNS)]


def _notes(ranked: pd.DataFrame) -> list[str]:
    attrs = ranked.attrs
    return [
        "Observatoire des inégalités numériques : quartiers (IRIS) à cibler",
        f"Classement par {BY_LABELS_FR.get(attrs.get('by'), attrs.get('by'))}.",
        f"Incertitude des rangs : {attrs.get('n_draws')} tirages simulés (graine {attrs.get('seed')}) ; "
        f"p_top_k = probabilité d'être parmi les {attrs.get('k')} premiers.",
        "Estimations sur petits domaines (modèle de Fay-Herriot sur l'échelle arc sinus) : à lire avec leur intervalle.",
        "",
        *[f"{column} : {meaning}" for column, meaning in LIST_COLUMNS.items()],
    ]


def list_csv(ranked: pd.DataFrame) -> bytes:
    """The ranked list as CSV bytes (`;`, decimal comma, UTF-8 with BOM)."""
    return csv_bytes(_export_table(ranked))


def list_xlsx(ranked: pd.DataFrame) -> bytes:
    """The ranked list as an XLSX workbook (a « Lisez-moi » sheet, then the list)."""
    return xlsx_bytes(
        {"Quartiers": _export_table(ranked)},
        notes=_notes(ranked),
        percent_columns=("direct", "estimate", "ci_low", "ci_high", "p_top_k"),
    )

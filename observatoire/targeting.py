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

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from observatoire.disclosure import complementary
from observatoire.errors import UserError
from observatoire.export import csv_bytes, xlsx_bytes
from observatoire.fragility import COMPONENT_COLUMNS, deciles, fragility_index
from observatoire.geo import Geography
from observatoire.readers import read_table
from observatoire.settings import resolve
from observatoire.stats import Design, estimate
from observatoire.stats.small_area import ProportionEstimates, fit_proportions

BY = ("share", "count", "index")
BY_LABELS_FR = {
    "share": "part estimée de personnes en difficulté",
    "count": "nombre estimé de personnes en difficulté (part × population de 15 ans et plus)",
    "index": "indice de fragilité numérique (inspiré de l'IFN)",
}
DEFAULT_TOP = 20
DEFAULT_SEED = 20_260_101
DEFAULT_DRAWS = 4000
OUTLIER_RESIDUAL = 2.5

# Area covariates file (one row per IRIS): identifiers, populations, then the model covariates
# (shares in [0, 1]; docs/territoire.md says where each comes from).
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
    "flag": "signalements, séparés par des virgules (ok si aucun)",
}
FLAGS_FR = {
    "synthetic": "synthétique (aucun répondant)",
    "small_n": "petit échantillon",
    "same_answer": "réponses toutes identiques",
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


def _flags(areas: pd.DataFrame, settings: Mapping[str, Any]) -> list[list[str]]:
    small_n, withhold_n = settings["reliability_fragile_n"], settings["reliability_withhold_n"]
    flags = []
    for row in areas.itertuples(index=False):
        found = []
        if row.n_unweighted == 0:
            found.append(FLAGS_FR["synthetic"])
        elif row.n_unweighted < small_n:
            found.append(f"{FLAGS_FR['small_n']} (n < {small_n})")
        if row.n_unweighted >= withhold_n and row.direct in (0.0, 1.0):  # below: would disclose it
            found.append(FLAGS_FR["same_answer"])
        elif row.variance_smoothed and row.n_unweighted >= small_n:
            found.append(FLAGS_FR["smoothed"])
        if abs(row.std_residual) > OUTLIER_RESIDUAL:
            found.append(FLAGS_FR["outlier"])
        flags.append(found)
    return flags


def withheld_direct(areas: pd.DataFrame, settings: Mapping[str, Any]) -> np.ndarray:
    """IRIS whose direct share is not published: under the threshold, or needed so that no such
    IRIS can be recovered from its commune's published share (`disclosure.complementary`)."""
    n = areas["n_unweighted"].to_numpy(dtype=float)
    small = n < settings["reliability_withhold_n"]
    out = small.copy()
    for rows in areas.groupby("commune", sort=False).indices.values():
        out[rows] = complementary(n[rows], small[rows], settings["reliability_withhold_n"])
    return out


def rank_areas(
    areas: pd.DataFrame,
    by: str = "share",
    *,
    top: int | None = DEFAULT_TOP,
    k: int | None = None,
    commune: str | None = None,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    settings: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The ranked list: one row per IRIS (best first), columns `LIST_COLUMNS` plus `flags`.

    `areas`: one row per IRIS with commune, commune_name, iris, iris_name, population_15plus,
    the small-area columns (n_unweighted, direct, estimate, ci_low, ci_high, method, theta,
    theta_mse, variance_smoothed, std_residual) and the fragility components and index.
    `commune` keeps the IRIS of one commune (ranked among themselves). `k` (default: `top`,
    or 20) is the size of the "top k" whose probability is reported; `top` truncates the list
    (None: every IRIS). `settings`: the run's method settings (`Results.settings`; defaults when
    None) — the publication threshold blanks the direct shares, as in every estimate table.
    """
    settings = resolve(settings)
    mask = np.ones(len(areas), dtype=bool)
    if commune is not None:
        mask = (areas["commune"] == commune).to_numpy()
        if not mask.any():
            raise UserError(
                f"Aucun IRIS pour la commune « {commune} ».",
                "Donnez le code Insee à 5 caractères d'une commune du territoire qui a des IRIS.",
            )
    ranks = simulate_ranks(areas, by, mask, n_draws=n_draws, seed=seed)
    k = min(k or top or DEFAULT_TOP, int(mask.sum()))
    low, high = ranks.interval()
    chosen = areas.loc[mask].copy()
    flags = _flags(chosen, settings)  # before the direct values of small IRIS are blanked
    chosen["direct"] = chosen["direct"].where(~withheld_direct(areas, settings)[mask])
    chosen["count"] = chosen["estimate"] * chosen["population_15plus"]
    chosen["rank"], chosen["rank_low"], chosen["rank_high"] = ranks.point, low, high
    chosen["p_top_k"] = ranks.p_top(k)
    chosen["flag"] = [", ".join(f) if f else "ok" for f in flags]
    chosen["flags"] = flags
    chosen = chosen.sort_values("rank", kind="stable")[list(LIST_COLUMNS) + ["flags"]]
    chosen.attrs.update({"by": by, "k": k, "n_draws": n_draws, "seed": seed, "commune": commune})
    return (chosen.head(top) if top else chosen).reset_index(drop=True)


ROUNDING = {"p_top_k": 3, "direct": 4, "estimate": 4, "ci_low": 4, "ci_high": 4, "count": 0, "fragility_index": 2}


def export_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """The list as exported (CSV, XLSX, JSON): `LIST_COLUMNS`, figures rounded as published."""
    return ranked[list(LIST_COLUMNS)].round(ROUNDING)


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
    return csv_bytes(export_table(ranked))


def list_xlsx(ranked: pd.DataFrame, *, demo: str = "") -> bytes:
    """The ranked list as an XLSX workbook (a « Lisez-moi » sheet, then the list; `demo`: labelled)."""
    return xlsx_bytes(
        {"Quartiers": export_table(ranked)},
        notes=_notes(ranked),
        percent_columns=("direct", "estimate", "ci_low", "ci_high", "p_top_k"),
        demo=demo,
    )


# --- inputs: area covariates, direct estimates, model, index -------------------------------


def load_covariates(path: str | Path, content: bytes | None = None) -> pd.DataFrame:
    """The area covariates file (CSV `;` or `,`, UTF-8 or Windows-1252, or XLSX), indexed by IRIS.

    Columns: iris (9 characters), commune (5), population, population_15plus, then the shares
    of `MODEL_COVARIATES` in [0, 1] (decimal point or comma). Empty cells are kept as missing:
    the model names the IRIS and the column if it needs them.
    """
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


def direct_estimates(design: Design, wave, variable: str = "in_difficulty", by: str = "iris") -> pd.DataFrame:
    """Direct (design-based) shares by area for one wave, from the calibrated design.

    Reliability rules are not applied: small areas are inputs of the model, and the direct
    values of IRIS below the publication threshold are blanked later, in the list.
    """
    table = estimate(design.subset_wave(wave), variable, "proportion", level=1, by=by, reliability=False)
    return table.set_index(table["domain"].astype(str))[["estimate", "se", "n_unweighted"]]


@dataclass(frozen=True)
class AreaEstimates:
    """Everything the neighbourhood list needs, one row per IRIS (`areas`), and the model."""

    wave: int
    areas: pd.DataFrame
    model: ProportionEstimates


def _model_options(settings: Mapping[str, Any] | None) -> dict:
    """fit_proportions' method options from the run's settings."""
    values = resolve(settings)
    return {"method": values["small_area_method"], "level": values["ci_level"],
            "amrl_mse": values["small_area_amrl_mse"], "tol": values["small_area_tolerance"]}


def area_estimates(design: Design, covariates: pd.DataFrame, geography: Geography, wave, *,
                   variable: str = "in_difficulty", settings: Mapping[str, Any] | None = None) -> AreaEstimates:
    """Small-area shares, counts and fragility index for every IRIS of `covariates`."""
    model = fit_proportions(direct_estimates(design, wave, variable), covariates[list(MODEL_COVARIATES)],
                            **_model_options(settings))
    table = model.table.set_index("area")
    names = geography.iris.set_index("code").reindex(covariates.index)
    communes = geography.communes.set_index("code")["name"]
    areas = table.assign(
        iris=covariates.index,
        iris_name=names["name"].fillna("").to_numpy(),
        commune=covariates["commune"],
        commune_name=covariates["commune"].map(communes).fillna("").to_numpy(),
        population_15plus=covariates["population_15plus"],
    )
    indicators = covariates.assign(share_in_difficulty=areas["estimate"])
    areas = areas.join(fragility_index(indicators)[["fragility_index", "fragility_rank"]])
    for column in COMPONENT_COLUMNS:
        areas[column] = indicators[column]
    return AreaEstimates(wave=int(wave), areas=areas.reset_index(drop=True), model=model)


def commune_covariates(covariates: pd.DataFrame) -> pd.DataFrame:
    """Commune-level covariates: populations summed, shares averaged with population weights."""
    weights = covariates["population"]
    shares = covariates[list(MODEL_COVARIATES)].mul(weights, axis=0).groupby(covariates["commune"]).sum()
    totals = covariates.groupby("commune")[list(POPULATIONS)].sum()
    return totals.join(shares.div(totals["population"], axis=0))


def commune_estimates(design: Design, covariates: pd.DataFrame, geography: Geography, wave, *,
                      variable: str = "in_difficulty", settings: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Shares (Fay–Herriot over the communes) and fragility index by commune, one row each."""
    by_commune = commune_covariates(covariates)
    model = fit_proportions(direct_estimates(design, wave, variable, by="commune"), by_commune[list(MODEL_COVARIATES)],
                            **_model_options(settings))
    table = model.table.set_index("area")
    index = fragility_index(by_commune.assign(share_in_difficulty=table["estimate"]))
    names = geography.communes.set_index("code")["name"]
    return (
        table[["n_unweighted", "direct", "estimate", "ci_low", "ci_high", "method"]]
        .join(index)
        .assign(commune_name=lambda t: t.index.map(names))
        .rename_axis("commune")
        .reset_index()
    )

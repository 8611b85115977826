"""The targeting list as people and programs read it: JSON records with stable keys, and CSV / XLSX
files with French column headers, numbers as displayed, the method note and the provenance.

- `list_table(ranked, geography)`: the stable keys of `LIST_COLUMNS` (the `quartiers --json`
  keys; shares in 0..1), rounded as published; names come from the territory's geography.
- `people_table(...)` and `people_columns(...)`: the same rows for people — French headers with
  their unit, words for codes, numbers shown as displayed (`observatoire.export`) — the CSV and
  the XLSX sheet. The CSV is `;`-separated with decimal commas and a UTF-8 BOM (French
  spreadsheets open it in one click); it has no room for notes, so the demo label is in its file name (`export.download_name`). The XLSX opens on a « Lisez-moi » sheet:
  provenance first, then how the list was made; its « Dictionnaire » gives each column's meaning
  and its key (the JSON keys).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from observatoire.areas import labels
from observatoire.areas.ranking import FLAGS
from observatoire.export import csv_bytes, xlsx_bytes
from observatoire.geo import Geography
from observatoire.labels import ZONE_HEADERS, Column, estimate_columns
from observatoire.settings import SETTINGS
from observatoire.territory import INPUTS

# Stable keys of the list (JSON keys), with their French meaning.
LIST_COLUMNS = {
    "rank": "rang (1 = zone la plus prioritaire selon le critère) ; vide pour une zone non classée",
    "rank_low": "borne basse de l'intervalle de rang à 95 % (simulation)",
    "rank_high": "borne haute de l'intervalle de rang à 95 % (simulation)",
    "p_top_k": "probabilité d'être parmi les k premières zones (simulation)",
    "tier": "priorité 1, 2 ou 3, tirée de la probabilité d'être parmi les k premières (règle dans les notes)",
    "commune": "code Insee de la commune",
    "commune_name": "nom de la commune",
    "iris": "code IRIS",
    "iris_name": "nom de l'IRIS",
    "n_unweighted": "nombre de répondants dans la zone (non pondéré)",
    "direct": "estimation directe (pondérée) de la part en difficulté ; vide en dessous du seuil de diffusion",
    "estimate": "estimation sur petits domaines (modèle de Fay-Herriot) de la part en difficulté",
    "ci_low": "borne basse de l'intervalle de confiance à 95 % de la part",
    "ci_high": "borne haute de l'intervalle de confiance à 95 % de la part",
    "method": "eblup (la zone a des répondants : estimation directe et zones semblables) ou synthetic (aucun "
              "répondant : prédiction du modèle seule)",
    "gamma": "poids de l'estimation directe dans l'estimation du modèle (0 à 1, arrondi au dixième)",
    "population_15plus": "population de 15 ans et plus",
    "count": "nombre estimé de personnes en difficulté (part × population de 15 ans et plus)",
    "fragility_index": "indice de fragilité numérique, de 1 à 10 (10 = le plus fragile)",
    "support_distance_m": "distance (m) du centre de la zone au lieu de médiation numérique le plus proche ; "
                          "vide sans fichier des lieux",
    "flag": "fiabilité de l'estimation : ok, ou fragile (aucun répondant : modèle seul)",
}
ROUNDING = {"p_top_k": 3, "direct": 4, "estimate": 4, "ci_low": 4, "ci_high": 4, "gamma": 1, "count": 0,
            "fragility_index": 2, "support_distance_m": 0}
COMMUNE_LEVEL_DROPS = ("iris", "iris_name")
PERCENT = ("p_top_k", "direct", "estimate", "ci_low", "ci_high", "gamma")


def keys(level: str) -> list[str]:
    """The list's keys at `level` (`iris` or `commune`)."""
    return [c for c in LIST_COLUMNS if level == "iris" or c not in COMMUNE_LEVEL_DROPS]


def list_table(ranked: pd.DataFrame, geography: Geography) -> pd.DataFrame:
    """`keys(level)` columns, rounded as published (CSV of the site, JSON of the CLI)."""
    level = ranked.attrs.get("level", "iris")
    communes = geography.commune_names()
    table = ranked.assign(commune_name=ranked["commune"].map(communes).fillna(""))
    if level == "iris":
        names = dict(zip(geography.iris["code"], geography.iris["name"]))
        table = table.assign(iris=table["domain"], iris_name=table["domain"].map(names).fillna(""))
    if "support_distance_m" not in table:
        table = table.assign(support_distance_m=float("nan"))
    return table[keys(level)].round(ROUNDING)


def records(ranked: pd.DataFrame, geography: Geography) -> list[dict]:
    """JSON-ready rows: `keys(level)`, then `flags` (list of codes); missing values -> null."""
    table = list_table(ranked, geography).astype(object).where(lambda t: t.notna(), None)
    rows = table.to_dict(orient="records")
    return [{key: _plain(value) for key, value in row.items()} | {"flags": list(flags)}
            for row, flags in zip(rows, ranked["flags"])]


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def people_columns(k: int, level: str, settings: Mapping[str, Any]) -> dict[str, Column]:
    """The list's columns for people (CSV and XLSX): French header with its unit, meaning (the
    workbook's « Dictionnaire »), number format, words for codes."""
    shared = estimate_columns()
    commune, commune_code, _ = ZONE_HEADERS["commune"]
    iris, iris_code, _ = ZONE_HEADERS["iris"]
    zone = "de l'IRIS" if level == "iris" else "de la commune"
    spec = {
        "rank": ("Rang", "plain"), "tier": ("Priorité", "plain"), "rank_low": ("Rang au mieux (95 %)", "plain"),
        "rank_high": ("Rang au pire (95 %)", "plain"),
        "p_top_k": (f"Chances d'être parmi les {k} premiers (%)", "share"),
        "commune_name": (commune, "text"), "commune": (commune_code, "text"), "iris_name": (iris, "text"),
        "iris": (iris_code, "text"), "population_15plus": ("Habitants de 15 ans ou plus", "number"),
        "count": ("Personnes en difficulté (estimation)", "number"), "estimate": ("Part en difficulté (%)", "share"),
        "ci_low": (shared["ci_low"].header, "share"), "ci_high": (shared["ci_high"].header, "share"),
        "n_unweighted": (shared["n_unweighted"].header, "number"), "direct": ("Estimation directe (%)", "share"),
        "gamma": (f"Poids des répondants {zone} (%)", "share"), "method": ("Méthode", "text"),
        "fragility_index": ("Indice de fragilité (1 à 10)", "number"),
        "support_distance_m": ("Distance au lieu de médiation le plus proche (m)", "number"),
        "flag": (shared["flag"].header, "text"),
    }
    decimals = {"p_top_k": 1, "estimate": 1, "ci_low": 1, "ci_high": 1, "direct": 1, "fragility_index": 1}
    words = {"method": labels.METHODS, "flag": labels.RELIABILITY}
    columns = {key: Column(header, LIST_COLUMNS[key], kind, decimals.get(key, 0), words=words.get(key, {}))
               for key, (header, kind) in spec.items()}
    flags = ", ".join(labels.flag_label(c, settings) for c in FLAGS) if settings else ""
    return columns | {"flags": Column("Signalements", f"signalements de la zone : {flags}" if flags else "")}


def people_table(ranked: pd.DataFrame, geography: Geography, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The list for people, in reading order: shares at full precision (each file rounds them as
    displayed: once, from the unrounded value), the weight of the respondents to the tenth as the
    model reports it, signals in words."""
    level = ranked.attrs.get("level", "iris")
    table = list_table(ranked, geography)
    for column in PERCENT:
        table[column] = ranked[column].astype(float).round(1) if column == "gamma" else ranked[column].astype(float)
    table["tier"] = table["tier"].astype("Int64")
    table["flags"] = [labels.flags_text(flags, settings) for flags in ranked["flags"]]
    order = ["rank", "tier", "rank_low", "rank_high", "p_top_k", "commune_name", "commune",
             *(["iris_name", "iris"] if level == "iris" else []), "population_15plus", "count", "estimate", "ci_low",
             "ci_high", "n_unweighted", "direct", "gamma", "method", "fragility_index", "support_distance_m", "flag",
             "flags"]
    return table[order]


def notes(ranked: pd.DataFrame, settings: Mapping[str, Any], provenance: Sequence[str]) -> list[str]:
    """The method note of an export: what was ranked and how, the tiers, the rules, the sources."""
    attrs = ranked.attrs
    k, level = attrs.get("k"), attrs.get("level", "iris")
    zones = "quartiers (IRIS)" if level == "iris" else "communes"
    first = ranked.dropna(subset=["rank"]).head(1).to_dict("records")
    return [
        f"Observatoire du numérique : {zones} où agir en premier",
        *provenance,
        f"Classement par {labels.CRITERIA_PHRASES[attrs.get('by', 'count')]}.",
        labels.rank_interval_sentence(first[0] if first else None),
        f"Incertitude des rangs : {attrs.get('n_draws')} tirages simulés (graine {attrs.get('seed')}) à partir des "
        "estimations et de leur erreur (Goldstein et Spiegelhalter, 1996).",
        labels.tier_rule(k),
        f"Non classées : les zones de moins de {attrs.get('min_population')} habitants de 15 ans ou plus (réglage "
        f"« {SETTINGS['ranking_min_population'].label_fr} »), listées à la fin avec la raison.",
        "Estimations sur petits domaines (modèle de Fay-Herriot sur l'échelle arc sinus) : chaque part combine "
        "l'estimation directe de la zone et une prédiction tirée des zones semblables, d'autant plus que la zone a "
        f"peu de répondants. Estimation directe non diffusée en dessous de {settings['reliability_withhold_n']} "
        "répondants (secret statistique).",
    ]


def source_lines(wave: int, territory) -> list[str]:
    """Where the list comes from, in words (files are named in the territory's description, not
    in what people read): the survey and its wave, the covariates, the places of mediation."""
    sources = [f"{INPUTS['survey']} auprès des habitants (vague {wave})", INPUTS["covariates"]]
    sources += [f"{INPUTS['support']} numérique déclarés par le territoire"] if territory.support else []
    return [f"Territoire : {territory.name}. Sources : {', '.join(sources)}."]


def list_csv(ranked: pd.DataFrame, geography: Geography, settings: Mapping[str, Any]) -> bytes:
    """The list as CSV bytes (`;`, decimal comma, UTF-8 with BOM, French headers, rounded as shown)."""
    attrs = ranked.attrs
    return csv_bytes(people_table(ranked, geography, settings),
                     people_columns(attrs.get("k", 20), attrs.get("level", "iris"), settings))


def list_xlsx(ranked: pd.DataFrame, geography: Geography, settings: Mapping[str, Any], *,
              provenance: Sequence[str] = (), demo: str = "") -> bytes:
    """The list as a workbook: « Lisez-moi » (provenance, method), the list, its « Dictionnaire »."""
    level = ranked.attrs.get("level", "iris")
    sheet = "Quartiers" if level == "iris" else "Communes"
    return xlsx_bytes({sheet: people_table(ranked, geography, settings)}, notes=notes(ranked, settings, provenance),
                      columns=people_columns(ranked.attrs.get("k", 20), level, settings), demo=demo)

"""Open-data files of the site (`donnees/`) and the page that lists them.

Published aggregates only: shares by wave and commune / age / sex / diploma (never a respondent,
never a weight), the neighbourhood list from the small-area model, the commitments' progress.
Files are UTF-8, comma-separated with `.` decimals (the open-data convention, unlike the app's
`;` exports for French spreadsheets), described in `LISEZMOI.txt` under Licence Ouverte 2.0.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from observatoire import export, targeting
from observatoire.formatting import fmt_number
from observatoire.indicators.progress import CITATION
from observatoire.labels import group_labels, variable_label
from observatoire.sheets import csv_text
from observatoire.site.data import SiteData
from observatoire.site.markup import Cell, link, paragraphs, table
from observatoire.site.methodology import disclosure_rules
from observatoire.stats.reliability import BLANKED

DIRECTORY = "donnees"
LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ESTIMATE_FILE_COLUMNS = (
    "wave", "variable", "variable_label", "level", "domain_type", "domain", "domain_label", "estimate", "se",
    "ci_low", "ci_high", "ci_level", "ci_method", "df", "cv", "deff", "n_unweighted", "weighted_n", "flag",
)  # fmt: skip
ESTIMATE_NOTES = {
    "wave": "année de la vague d'enquête (chaque vague est un échantillon indépendant)",
    "variable": "identifiant de l'indicateur (voir variable_label)",
    "variable_label": "intitulé de l'indicateur",
    "level": "modalité estimée (1 = oui)",
    "domain_type": "découpage : overall (ensemble), commune, age_band, sex, diploma",
    "domain": "groupe (code Insee de la commune, tranche d'âge, F/M, diplôme) ; vide pour l'ensemble",
    "domain_label": "intitulé du groupe",
    "ci_level": "niveau de l'intervalle de confiance",
    "df": "degrés de liberté du plan de sondage",
    **export.COLUMN_NOTES,
}
PROGRESS_KEYS = (
    "id", "theme", "title", "unit_short", "illustrative", "catalog_status", "direction", "status", "status_label",
    "base_year", "base_value", "latest_year", "latest_value", "latest_ci_low", "latest_ci_high", "target",
    "target_year", "cagr_actual", "cagr_required", "ratio", "growth_progress", "score", "projection_year",
    "projection_2026", "projection_low", "projection_high", "projection_probability", "projection_reason", "reason",
    "caveat",
)  # fmt: skip
NEIGHBOURHOOD_COLUMNS = tuple(c for c in targeting.LIST_COLUMNS if c != "direct")
DECIMALS = {"estimate": 6, "se": 6, "ci_low": 6, "ci_high": 6, "cv": 4, "deff": 4, "weighted_n": 0}


@dataclass(frozen=True)
class OpenFile:
    name: str  # path under the site root
    content: bytes
    description: str
    rows: int | None = None


def estimates_table(data: SiteData) -> pd.DataFrame:
    """The published estimate rows with French labels; withheld rows keep n and flag only."""
    table = data.estimates.copy()
    table.loc[table["flag"] == "withheld", [*BLANKED, "weighted_n"]] = math.nan
    table["variable_label"] = [variable_label(data.spec, v) for v in table["variable"]]
    table["domain_label"] = [
        "Ensemble" if kind == "overall" else group_labels(data.spec, kind).get(str(code), str(code))
        for kind, code in zip(table["domain_type"], table["domain"])
    ]
    table["ci_level"] = data.settings["ci_level"]
    table = table.round(DECIMALS)
    for column in ("df", "weighted_n"):  # whole numbers, written without ".0"
        table[column] = table[column].astype("Int64")
    return table[list(ESTIMATE_FILE_COLUMNS)]


def neighbourhoods_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranked list without the direct IRIS shares: they rest on a handful of respondents and
    carry no interval; the model-based share is published with its interval, n and flags."""
    return ranked[list(NEIGHBOURHOOD_COLUMNS)].round(targeting.ROUNDING)


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def progress_json(data: SiteData, built: date) -> bytes:
    records = [
        {key: _clean(row.get(key)) for key in PROGRESS_KEYS} | {"theme_title": data.themes.get(row["theme"])}
        for row in data.progress.to_dict("records")
    ]
    document = {"licence": LICENCE, "date": built.isoformat(), "method": CITATION, "is_demo": data.is_demo,
                "indicators": records}
    return (json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")


def _csv(frame: pd.DataFrame) -> bytes:
    return csv_text(frame).encode("utf-8")  # formula text neutralised, as every export


def readme(data: SiteData, files: list[OpenFile], built: date) -> bytes:
    source = ("données de DÉMONSTRATION (synthétiques, ne décrivent pas la population réelle)" if data.is_demo
              else f"enquête « {data.source} »")
    lines = [
        "Données ouvertes de l'Observatoire des inégalités numériques",
        "",
        f"Licence : {LICENCE} — {LICENCE_URL}",
        f"Date de production : {built.isoformat()}",
        f"Source : {source} ; engagements : catalogue des indicateurs et valeurs déclarées.",
        "Format : CSV encodé en UTF-8, séparateur virgule, décimales avec un point, parts entre 0 et 1 ; "
        "engagements.json : valeurs dans l'unité de chaque indicateur (unit_short).",
        "Une part estimée à exactement 0 ou 1 n'a pas d'intervalle logit : ci_low et ci_high sont alors vides.",
        "",
        "Fichiers :",
        *[f"- {f.name.removeprefix(DIRECTORY + '/')} : {f.description}" for f in files],
        "",
        "Règles de diffusion :",
        *[f"- {rule}" for rule in disclosure_rules(data.settings, data.spec)],
        "",
        "Colonnes de estimations.csv :",
        *[f"- {c} : {ESTIMATE_NOTES.get(c, '')}" for c in ESTIMATE_FILE_COLUMNS],
    ]
    if data.targeting is not None:
        lines += ["", "Colonnes de quartiers.csv :", *[f"- {c} : {targeting.LIST_COLUMNS[c]}" for c in NEIGHBOURHOOD_COLUMNS]]
    lines += ["", "Clés de engagements.json (objet « indicators ») : " + ", ".join((*PROGRESS_KEYS, "theme_title")) + "."]
    return ("\n".join(lines) + "\n").encode("utf-8")


def open_files(data: SiteData, built: date) -> list[OpenFile]:
    """Every open-data file, README last (it lists the others)."""
    estimates = estimates_table(data)
    files = [OpenFile(f"{DIRECTORY}/estimations.csv", _csv(estimates),
                      "parts estimées par vague et par commune, âge, sexe, diplôme, avec IC à 95 %, n et fiabilité",
                      len(estimates))]
    if data.targeting is not None:
        ranked = neighbourhoods_table(data.targeting)
        files.append(OpenFile(f"{DIRECTORY}/quartiers.csv", _csv(ranked),
                              "quartiers (IRIS) classés par part estimée de personnes en difficulté (modèle sur petits "
                              "domaines), avec intervalle de rang et signalements", len(ranked)))
    files.append(OpenFile(f"{DIRECTORY}/engagements.json", progress_json(data, built),
                          "progression des engagements : statut et toutes ses composantes (JSON)", len(data.progress)))
    files.append(OpenFile(f"{DIRECTORY}/LISEZMOI.txt", readme(data, files, built),
                          "description des fichiers, des colonnes, de la licence et des règles de diffusion"))
    return files


def downloads_page(files: list[OpenFile]) -> str:
    """Body of donnees.html."""
    rows = [
        [Cell(f.name.removeprefix(DIRECTORY + "/")), f.description, Cell(f"{fmt_number(len(f.content) / 1024, 1)} Ko", num=True),
         Cell(fmt_number(f.rows) if f.rows is not None else "–", num=True)]
        for f in files
    ]
    links = "".join(f"<li>{link(f.name, f.name.removeprefix(DIRECTORY + '/'))}</li>" for f in files)
    return "".join([
        paragraphs(
            f"Les chiffres publiés sur ce site sont téléchargeables sous {LICENCE} : réutilisation libre, y compris "
            "commerciale, en citant la source (« Observatoire des inégalités numériques ») et la date.",
            "Seuls des agrégats sont publiés : aucune donnée individuelle, aucun poids de sondage, aucune estimation "
            "directe à l'échelle de l'IRIS ; une estimation sur trop peu de répondants est laissée vide (« withheld »).",
        ),
        table("Fichiers de données ouvertes", ["Fichier", "Contenu", "Taille", "Lignes"], rows),
        "<h2>Télécharger</h2>\n",
        f"<ul>{links}</ul>\n",
        f"<p>Texte de la licence : {link(LICENCE_URL, LICENCE)}.</p>\n",
    ])

"""Open-data files of the site (`donnees/`), the Frictionless data package that describes them,
and the page that lists them.

Published aggregates only: shares by wave and commune / age / sex / diploma (never a respondent,
never a weight), the neighbourhood list from the small-area model, the commitments' progress.
Files are UTF-8, comma-separated with `.` decimals (the open-data convention, unlike the app's
`;` exports for French spreadsheets). `datapackage.json` (Frictionless Data Package v1) gives
each CSV its Table Schema (types, units, French descriptions, missing values), the licence of
the territory (observatoire.yaml `licence`), the sources and their provenance (real or
demonstration); `LISEZMOI.txt` says the same in French prose, from the same column descriptions,
the settings in force and what was computed (observatoire.methodology).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pandas as pd

from observatoire import methodology as methods
from observatoire.areas.exports import LIST_COLUMNS, ROUNDING
from observatoire.formatting import ci_long, fmt_number
from observatoire.indicators.progress import CITATION
from observatoire.labels import COLUMN_MEANINGS, group_labels, variable_label
from observatoire.provenance import demonstration_inputs
from observatoire.sheets import csv_text
from observatoire.site.data import PUBLISHED_BREAKDOWNS, SiteData
from observatoire.site.markup import Cell, link, paragraphs, table
from observatoire.site.methodology import publication_rules
from observatoire.stats.reliability import BLANKED
from observatoire.territory import INPUTS

DIRECTORY = "donnees"
PACKAGE = "datapackage.json"
MISSING = ""  # empty cell = missing value, in every CSV


@dataclass(frozen=True)
class Licence:
    name: str  # identifier (SPDX or Open Definition)
    title: str
    path: str | None


# Licences a territory may name in observatoire.yaml (`licence`), by a normalised spelling.
KNOWN_LICENCES = {
    "licence ouverte 2 0": Licence("etalab-2.0", "Licence Ouverte / Open Licence version 2.0 (Etalab)",
                                   "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    "odbl": Licence("ODbL-1.0", "Open Database License (ODbL) 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "cc by 4 0": Licence("CC-BY-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
}
_ALIASES = {"etalab 2 0": "licence ouverte 2 0", "licence ouverte open licence version 2 0 etalab": "licence ouverte 2 0",
            "licence ouverte open licence 2 0": "licence ouverte 2 0", "odbl 1 0": "odbl", "cc by": "cc by 4 0"}


def _plain(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def licence_of(text: str | None) -> Licence:
    """The territory's declared licence: a known one with its identifier and text, else as written."""
    key = _plain(text or "")
    known = KNOWN_LICENCES.get(_ALIASES.get(key, key))
    if known is not None:
        return known
    return Licence(key.replace(" ", "-") or "non-precisee", text or "licence non précisée", None)


@dataclass(frozen=True)
class Column:
    """One column of a published CSV: its Table Schema type, French description and unit."""

    name: str
    type: str  # integer | number | string
    description: str
    unit: str = ""
    enum: tuple[str, ...] | None = None

    def field(self) -> dict:
        out = {"name": self.name, "type": self.type, "description": self.description}
        if self.unit:
            out["unit"] = self.unit
        if self.enum is not None:
            out["constraints"] = {"enum": list(self.enum)}
        return out


SHARE = "part entre 0 et 1"
FLAGS = ("ok", "fragile", "withheld")
ESTIMATE_FILE_COLUMNS = (
    "wave", "variable", "variable_label", "population", "level", "domain_type", "domain", "domain_label", "estimate",
    "se", "ci_low", "ci_high", "ci_level", "ci_method", "df", "cv", "deff", "n_unweighted", "weighted_n", "flag",
)  # fmt: skip


def estimate_columns(data: SiteData) -> tuple[Column, ...]:
    """The columns of estimations.csv (`ESTIMATE_FILE_COLUMNS`), described at the run's CI level."""
    level = data.settings["ci_level"]
    notes = COLUMN_MEANINGS
    columns = {c.name: c for c in (
        Column("wave", "integer", "année de la vague d'enquête (chaque vague est un échantillon indépendant)", "année"),
        Column("variable", "string", "identifiant de l'indicateur (voir variable_label)"),
        Column("variable_label", "string", "intitulé de l'indicateur"),
        Column("population", "string", "population que décrit la part (sous-groupe interrogé pour une question filtrée)"),
        Column("level", "string", "modalité estimée (1 = oui)"),
        Column("domain_type", "string", "découpage : " + ", ".join(PUBLISHED_BREAKDOWNS) + " (overall = ensemble)",
               enum=PUBLISHED_BREAKDOWNS),
        Column("domain", "string", "groupe (code Insee de la commune, tranche d'âge, sexe, diplôme) ; vide pour l'ensemble"),
        Column("domain_label", "string", "intitulé du groupe"),
        Column("estimate", "number", notes["estimate"], SHARE),
        Column("se", "number", notes["se"], SHARE),
        Column("ci_low", "number", f"borne basse de l'{ci_long(level)} (voir ci_method)", SHARE),
        Column("ci_high", "number", f"borne haute de l'{ci_long(level)} (voir ci_method)", SHARE),
        Column("ci_level", "number", "niveau de l'intervalle de confiance (0,95 = 95 %)", "probabilité"),
        Column("ci_method", "string", notes["ci_method"]),
        Column("df", "integer", "degrés de liberté du plan de sondage"),
        Column("cv", "number", notes["cv"], "rapport (écart-type / estimation)"),
        Column("deff", "number", notes["deff"], "rapport"),
        Column("n_unweighted", "integer", notes["n_unweighted"], "répondants"),
        Column("weighted_n", "integer", notes["weighted_n"], "personnes"),
        Column("flag", "string", notes["flag"], enum=FLAGS),
    )}
    return tuple(columns[name] for name in ESTIMATE_FILE_COLUMNS)


NEIGHBOURHOOD_TYPES = {"rank": "integer", "rank_low": "integer", "rank_high": "integer", "n_unweighted": "integer",
                       "population_15plus": "integer", "p_top_k": "number", "tier": "integer", "estimate": "number",
                       "ci_low": "number", "ci_high": "number", "gamma": "number", "count": "number",
                       "fragility_index": "number", "support_distance_m": "number"}
NEIGHBOURHOOD_UNITS = {"p_top_k": "probabilité", "estimate": SHARE, "ci_low": SHARE, "ci_high": SHARE,
                       "population_15plus": "personnes", "count": "personnes", "n_unweighted": "répondants",
                       "gamma": "rapport", "support_distance_m": "mètres"}
NEIGHBOURHOOD_COLUMNS = tuple(c for c in LIST_COLUMNS if c != "direct")


def neighbourhood_columns(data: SiteData) -> tuple[Column, ...]:
    """The columns of quartiers.csv; the model's interval is at the run's CI level."""
    level = ci_long(data.settings["ci_level"]).removeprefix("intervalle de confiance ")
    notes = {**LIST_COLUMNS, "ci_low": f"borne basse de l'intervalle {level} de la part (modèle)",
             "ci_high": f"borne haute de l'intervalle {level} de la part (modèle)"}
    return tuple(Column(name, NEIGHBOURHOOD_TYPES.get(name, "string"), notes[name], NEIGHBOURHOOD_UNITS.get(name, ""))
                 for name in NEIGHBOURHOOD_COLUMNS)


PROGRESS_KEYS = (
    "id", "theme", "title", "unit_short", "illustrative", "catalog_status", "direction", "status", "status_label",
    "base_year", "base_value", "latest_year", "latest_value", "latest_ci_low", "latest_ci_high", "target",
    "target_year", "cagr_actual", "cagr_required", "ratio", "growth_progress", "score", "projection_year",
    "projection_2026", "projection_low", "projection_high", "projection_probability", "projection_reason", "reason",
    "caveat", "agreement", "agreement_note", "within_margin",
)  # fmt: skip
DECIMALS = {"estimate": 6, "se": 6, "ci_low": 6, "ci_high": 6, "cv": 4, "deff": 4, "weighted_n": 0}


@dataclass(frozen=True)
class OpenFile:
    name: str  # path under the site root
    content: bytes
    description: str
    rows: int | None = None
    columns: tuple[Column, ...] | None = None  # a CSV's Table Schema


def estimates_table(data: SiteData) -> pd.DataFrame:
    """The published estimate rows with French labels; withheld rows keep n and flag only."""
    table = data.estimates.copy()
    table.loc[table["flag"] == "withheld", [*BLANKED, "weighted_n"]] = math.nan
    table["variable_label"] = [variable_label(data.spec, v) for v in table["variable"]]
    table["domain_label"] = [
        "Ensemble" if kind == "overall" else group_labels(data.spec, data.geography, kind).get(str(code), str(code))
        for kind, code in zip(table["domain_type"], table["domain"])
    ]
    table["population"] = [data.spec.population_of(v) for v in table["variable"]]
    table["ci_level"] = data.settings["ci_level"]
    table = table.round(DECIMALS)
    for column in ("df", "weighted_n"):  # whole numbers, written without ".0"
        table[column] = table[column].astype("Int64")
    return table[list(ESTIMATE_FILE_COLUMNS)]


def neighbourhoods_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranked list without the direct IRIS shares: they rest on a handful of respondents and
    carry no interval; the model-based share is published with its interval, n and flags."""
    table = ranked[list(NEIGHBOURHOOD_COLUMNS)].round(ROUNDING)
    for column, kind in NEIGHBOURHOOD_TYPES.items():
        if kind == "integer":
            table[column] = table[column].round().astype("Int64")
    return table


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def progress_json(data: SiteData, built: date) -> bytes:
    records = [
        {key: _clean(row.get(key)) for key in PROGRESS_KEYS} | {"theme_title": data.themes.get(row["theme"])}
        for row in data.progress.to_dict("records")
    ]
    document = {"licence": licence_of(data.territory.licence).title, "date": built.isoformat(), "method": CITATION,
                "is_demo": data.is_demo,
                "demonstration_inputs": demonstration_inputs(data.provenance),
                "indicators": records}
    return (json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")


def _csv(frame: pd.DataFrame) -> bytes:
    return csv_text(frame).encode("utf-8")  # formula text neutralised, as every export


def readme(data: SiteData, files: list[OpenFile], built: date) -> bytes:
    """LISEZMOI.txt: the package in French, every sentence from the settings and the results."""
    licence = licence_of(data.territory.licence)
    lines = [
        f"Données ouvertes de l'Observatoire du numérique — {data.territory.name}",
        *([data.demo_note] if data.demo_note else []),
        "",
        f"Licence : {licence.title}" + (f" — {licence.path}" if licence.path else ""),
        f"Date de production : {built.isoformat()}",
        f"Source : enquête « {data.source} » ; engagements : catalogue des indicateurs et valeurs déclarées.",
        "Format : CSV encodé en UTF-8, séparateur virgule, décimales avec un point, parts entre 0 et 1, cellule vide "
        "= valeur manquante ; engagements.json : valeurs dans l'unité de chaque indicateur (unit_short). "
        f"{PACKAGE} décrit chaque fichier (schéma des colonnes, licence, sources) au format Frictionless Data Package.",
        "",
        "Fichiers :",
        *[f"- {f.name.removeprefix(DIRECTORY + '/')} : {f.description}" for f in files],
        "",
        "Intervalles de confiance :",
        *[f"- {rule}" for rule in methods.interval_rules(data.settings, data.estimates, codes=True)],
        "",
        "Règles de diffusion :",
        *[f"- {rule}" for rule in publication_rules(data)],
    ]
    for f in files:
        if f.columns is not None:
            lines += ["", f"Colonnes de {f.name.removeprefix(DIRECTORY + '/')} :",
                      *[f"- {c.name} : {c.description}" + (f" (unité : {c.unit})" if c.unit else "") for c in f.columns]]
    lines += ["", "Clés de engagements.json (objet « indicators ») : " + ", ".join((*PROGRESS_KEYS, "theme_title")) + "."]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _slug(text: str) -> str:
    return _plain(text).replace(" ", "-") or "observatoire"


def _resource(item: OpenFile) -> dict:
    name = item.name.removeprefix(DIRECTORY + "/")
    out = {"name": _slug(name.rsplit(".", 1)[0]), "path": name, "description": item.description, "encoding": "utf-8"}
    if item.columns is not None:
        return {**out, "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                "dialect": {"delimiter": ",", "header": True},
                "schema": {"fields": [c.field() for c in item.columns], "missingValues": [MISSING]}}
    if name.endswith(".json"):
        return {**out, "format": "json", "mediatype": "application/json"}
    return {**out, "format": "txt", "mediatype": "text/plain"}


def package_json(data: SiteData, files: list[OpenFile], built: date) -> bytes:
    """datapackage.json (Frictionless Data Package v1) describing `files`."""
    licence = licence_of(data.territory.licence)
    demo = set(demonstration_inputs(data.provenance))
    sources = [{"title": f"{INPUTS[name][0].upper()}{INPUTS[name][1:]}"
                + (" (données de démonstration, synthétiques)" if name in demo else ""),
                "provenance": "demonstration" if name in demo else "real"}
               for name in INPUTS if name in data.provenance]
    document = {
        "profile": "data-package",
        "name": _slug(f"observatoire numerique {data.territory.name}"),
        "title": f"Données ouvertes de l'Observatoire du numérique — {data.territory.name}",
        "description": " ".join(filter(None, [
            f"Agrégats publiés par l'observatoire : enquête auprès des {data.spec.population_fr} (parts par vague et "
            "par groupe, avec intervalle, effectif et fiabilité), quartiers à cibler (modèle sur petits domaines), "
            "progression des engagements.", data.demo_note])),
        "created": f"{built.isoformat()}T00:00:00Z",
        "licenses": [{k: v for k, v in (("name", licence.name), ("title", licence.title), ("path", licence.path)) if v}],
        "sources": sources,
        "provenance": dict(data.provenance),
        "resources": [_resource(f) for f in files],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def open_files(data: SiteData, built: date) -> list[OpenFile]:
    """Every open-data file, then LISEZMOI.txt and datapackage.json (they describe the others)."""
    estimates = estimates_table(data)
    level = ci_long(data.settings["ci_level"])
    files = [OpenFile(f"{DIRECTORY}/estimations.csv", _csv(estimates),
                      f"parts estimées par vague et par commune, âge, sexe, diplôme, avec {level}, n et fiabilité",
                      len(estimates), estimate_columns(data))]
    if data.targeting is not None:
        ranked = neighbourhoods_table(data.targeting)
        files.append(OpenFile(f"{DIRECTORY}/quartiers.csv", _csv(ranked),
                              "quartiers (IRIS) classés par part estimée de personnes en difficulté (modèle sur petits "
                              "domaines), avec intervalle de rang et signalements", len(ranked), neighbourhood_columns(data)))
    files.append(OpenFile(f"{DIRECTORY}/engagements.json", progress_json(data, built),
                          "progression des engagements : statut et toutes ses composantes (JSON)", len(data.progress)))
    files.append(OpenFile(f"{DIRECTORY}/LISEZMOI.txt", readme(data, files, built),
                          "description des fichiers, des colonnes, de la licence et des règles de diffusion"))
    files.append(OpenFile(f"{DIRECTORY}/{PACKAGE}", package_json(data, files, built),
                          "description normalisée des fichiers (Frictionless Data Package : schémas, licence, sources)"))
    return files


def downloads_page(data: SiteData, files: list[OpenFile]) -> str:
    """Body of donnees.html."""
    licence = licence_of(data.territory.licence)
    rows = [
        [Cell(f.name.removeprefix(DIRECTORY + "/")), f.description, Cell(f"{fmt_number(len(f.content) / 1024, 1)} Ko", num=True),
         Cell(fmt_number(f.rows) if f.rows is not None else "–", num=True)]
        for f in files
    ]
    links = "".join(f"<li>{link(f.name, f.name.removeprefix(DIRECTORY + '/'))}</li>" for f in files)
    terms = (f"Texte de la licence : {link(licence.path, licence.title)}." if licence.path
             else f"Licence : {licence.title}.")
    return "".join([
        paragraphs(
            f"Les chiffres publiés sur ce site sont téléchargeables sous {licence.title}, en citant la source "
            f"(« Observatoire du numérique — {data.territory.name} ») et la date.",
            "Seuls des agrégats sont publiés : aucune donnée individuelle, aucun poids de sondage, aucune estimation "
            "directe à l'échelle de l'IRIS ; une estimation sur trop peu de répondants, ou qui permettrait d'en "
            "retrouver une par soustraction, est laissée vide (la colonne de fiabilité le signale ; ses valeurs sont "
            "expliquées dans le fichier LISEZMOI.txt).",
            f"Le fichier {PACKAGE} décrit chaque fichier au format Frictionless Data Package (types, unités, "
            "descriptions des colonnes, licence, sources) : il se vérifie avec « frictionless validate ».",
        ),
        table("Fichiers de données ouvertes", ["Fichier", "Contenu", "Taille", "Lignes"], rows),
        "<h2>Télécharger</h2>\n",
        f"<ul>{links}</ul>\n",
        f"<p>{terms}</p>\n",
    ])

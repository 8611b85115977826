"""Parts `survey`, `covariates`, `catalog`, `values` and `inventories` of a check: each file read
by the same functions the pipeline uses (so what passes here runs there), then checked against
the territory (its contours, its code, the survey's IRIS)."""

from __future__ import annotations

import re

import pandas as pd

from observatoire.checks.context import Context, Part, plural
from observatoire.checks.findings import Finding, from_message, from_survey, make
from observatoire.errors import UserError
from observatoire.indicators.catalog import load_catalog
from observatoire.indicators.footprint import read_equipment_inventory
from observatoire.indicators.sovereignty import read_software_inventory
from observatoire.indicators.values import TERRITORY_LEVEL, read_values
from observatoire.readers import read_table
from observatoire.survey_spec import SurveySpec, load_spec
from observatoire.areas.covariates import MODEL_COVARIATES, POPULATIONS, load_covariates
from observatoire.validation import validate_survey

VALUE_PROBLEM = re.compile(r"^- ligne (\d+), colonne (\w+) : (.*)$")
EQUIPMENT_METHODS = ("footprint", "refurbished_share")


def survey_description(ctx: Context) -> tuple[SurveySpec | None, list[Finding]]:
    """The survey description without its margins (they are a part of their own)."""
    try:
        return load_spec(ctx.territory.survey_description, with_margins=False), []
    except UserError as err:
        return None, [from_message("survey", "survey_unusable", ctx.shown(ctx.territory.survey_description),
                                   err.message, err.hint)]


def check_survey(ctx: Context, spec: SurveySpec | None, description: list[Finding]) -> Part:
    path = ctx.territory.survey
    if spec is None:
        return Part("survey", "description de l'enquête illisible", tuple(description))
    if path is None:
        return Part("survey", "aucun fichier déclaré (survey.file)", checked=False)
    if not path.is_file():
        return Part("survey", "fichier absent (voir Configuration)", checked=False)
    if ctx.geography is None:
        return Part("survey", "contours à corriger d'abord (voir Contours)", checked=False)
    file = ctx.shown(path)
    try:
        table = read_table(path, value_labels=spec.labels_fr)
    except UserError as err:
        return Part("survey", "illisible", (from_message("survey", "survey_unusable", file, err.message, err.hint),))
    report = validate_survey(table, spec, ctx.geography)
    iris = table.frame.get("iris", pd.Series(dtype=str))
    ctx.survey_iris = set(iris[iris.str.strip() != ""].str.strip())
    summary = plural(report.n_rows, "réponse")
    if report.data is not None:
        waves = sorted(int(w) for w in report.data[spec.design.wave].dropna().unique())
        summary += ", vague" + ("s " if len(waves) > 1 else " ") + " et ".join(map(str, waves))
    return Part("survey", summary, tuple(from_survey(f, file) for f in report.findings))


def check_covariates(ctx: Context) -> Part:
    territory = ctx.territory
    if territory.covariates is None:
        return Part("covariates", "aucun fichier déclaré (facultatif : sans lui, pas de modèle par IRIS)", checked=False)
    if not territory.covariates.is_file():
        return Part("covariates", "fichier absent (voir Configuration)", checked=False)
    file = ctx.shown(territory.covariates)
    try:
        table = load_covariates(territory.covariates)
    except UserError as err:
        return Part("covariates", "illisibles",
                    (from_message("covariates", "covariates_unreadable", file, err.message, err.hint),))
    findings = []
    rows = {code: position + 2 for position, code in enumerate(table.index)}
    for code, row in table.iterrows():
        for column in (*POPULATIONS, *MODEL_COVARIATES):
            if pd.isna(row[column]):
                findings.append(make("covariates", "covariates_missing_value", file, row=rows[code], column=column,
                                     value=code))
    if ctx.geography is not None and ctx.geography.has_iris:
        contours = ctx.geography.iris.set_index("code")
        for code in contours.index.difference(table.index):
            findings.append(make("covariates", "covariates_missing_iris", file, value=code,
                                 name=contours.at[code, "name"]))
        for code in table.index.difference(contours.index):
            findings.append(make("covariates", "covariates_unknown_iris", file, row=rows[code], column="iris", value=code))
        shared = table.index.intersection(contours.index)
        wrong = shared[table.loc[shared, "commune"] != contours.loc[shared, "commune"]]
        findings += [make("covariates", "covariates_wrong_commune", file, row=rows[code], column="commune", value=code,
                          declared=table.at[code, "commune"], commune=contours.at[code, "commune"]) for code in wrong]
        known = set(contours.index)
    else:
        known = set()
    for code in sorted(ctx.survey_iris - set(table.index) - known):
        findings.append(make("covariates", "covariates_survey_iris", file, value=code))
    return Part("covariates", plural(len(table), "IRIS", "IRIS"), tuple(findings))


def check_catalog(ctx: Context) -> Part:
    try:
        ctx.catalog = load_catalog(ctx.territory.catalog)
    except UserError as err:
        return Part("catalog", "invalide", (from_message("catalog", "catalog_invalid", ctx.shown(ctx.territory.catalog),
                                                         err.message, err.hint),))
    return Part("catalog", plural(len(ctx.catalog.indicators), "indicateur"))


def check_values(ctx: Context) -> Part:
    path = ctx.territory.values
    if not path.is_file():
        return Part("values", "table absente : « observatoire import » la créera", checked=False)
    file = ctx.shown(path)
    try:
        values = read_values(path, ctx.catalog)
    except UserError as err:
        return Part("values", "invalides", tuple(_value_problems(file, err)))
    findings = [make("values", "values_geo_code", file, column="geo_code", value=code, what=what, expected=expected)
                for code, what, expected in _unknown_codes(ctx, values)]
    if values.empty:
        return Part("values", "table vide (remplie par « observatoire import »)", tuple(findings))
    indicators = values["indicator"].nunique()
    return Part("values", f"{plural(len(values), 'valeur')}, {plural(indicators, 'indicateur')}", tuple(findings))


def _value_problems(file: str, err: UserError) -> list[Finding]:
    """One finding per problem line of `read_values`' message (« - ligne 3, colonne year : … »)."""
    found = []
    for line in err.message.splitlines()[1:]:
        match = VALUE_PROBLEM.match(line)
        if match:
            found.append(from_message("values", "values_invalid", file, match.group(3)[:1].upper() + match.group(3)[1:]
                                      + ".", err.hint, row=int(match.group(1)), column=match.group(2)))
        else:
            found.append(from_message("values", "values_invalid", file, line.lstrip("- ") + ".", err.hint))
    return found or [from_message("values", "values_invalid", file, err.message, err.hint)]


def _unknown_codes(ctx: Context, values: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(code, what, expected) for each geo_code that is not the territory's, one of its communes
    or one of its IRIS, with the number of rows."""
    geography = ctx.geography
    allowed = {TERRITORY_LEVEL: ({ctx.territory.code}, f"le code du territoire ({ctx.territory.code})")}
    if geography is not None:
        allowed["commune"] = (set(geography.communes["code"]), "une commune du territoire")
        allowed["iris"] = (set(geography.iris["code"]), "un IRIS du territoire")
    found = []
    for (level, code), rows in values.groupby(["geo_level", "geo_code"]).size().items():
        if level in allowed and code not in allowed[level][0]:
            found.append((code, f"Le code de niveau {level} ({plural(int(rows), 'ligne')})", allowed[level][1]))
    return found


def check_inventories(ctx: Context) -> Part:
    folder = ctx.territory.inventories
    if folder is None:
        return Part("inventories", "aucun dossier déclaré (facultatif)", checked=False)
    if not folder.is_dir():
        return Part("inventories", "dossier absent (voir Configuration)", checked=False)
    if ctx.catalog is None:
        return Part("inventories", "catalogue invalide", checked=False)
    needed: dict[str, list] = {}
    for indicator in ctx.catalog.indicators:
        if indicator.source.type == "computed":
            needed.setdefault(indicator.source.inventory, []).append(indicator)
    findings = []
    for name, indicators in needed.items():
        path = folder / name
        if not path.is_file():
            ids = ", ".join(i.id for i in indicators)
            findings.append(make("inventories", "inventory_missing", ctx.shown(path), value=name,
                                 indicators=f"Les indicateurs {ids} sont calculés" if len(indicators) > 1
                                 else f"L'indicateur {ids} est calculé"))
            continue
        reader = read_equipment_inventory if indicators[0].source.method in EQUIPMENT_METHODS else read_software_inventory
        try:
            reader(path)
        except UserError as err:
            findings.append(from_message("inventories", "inventory_invalid", ctx.shown(path), err.message, err.hint))
    files = sum(1 for p in folder.iterdir() if p.is_file())
    return Part("inventories", f"{plural(files, 'fichier')} ; le catalogue en utilise {len(needed)}", tuple(findings))


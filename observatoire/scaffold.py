"""Writing a territory directory: a new one from contour files (`observatoire territory new`), and
the provenance lines of an existing observatoire.yaml (`set_provenance`, comments kept).

A new territory holds its contours (kept to its communes, codes and names read from the
properties the producer uses), the example's survey description and catalogue, margin templates
with one row per category (every commune of the contours, totals to fill), an empty values
table and an empty inventories folder, and an observatoire.yaml with every key, each explained
in French from `territory.KEYS`. `observatoire check` then lists what remains to fill.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from observatoire import contours
from observatoire.errors import UserError
from observatoire.indicators.store import write_atomic
from observatoire.indicators.values import empty_values, values_csv
from observatoire.referential import Epci
from observatoire.survey_spec import load_spec
from observatoire.territory import CONFIG_NAME, EXAMPLE_DIR, INPUTS, KEYS, load_territory

# Where a new territory keeps each input (relative to its directory).
LAYOUT = {
    "geo.communes.file": "geo/communes.geojson",
    "geo.iris.file": "geo/iris.geojson",
    "survey.file": "data/survey.csv",
    "survey.description": "survey",
    "survey.margins": "survey/margins",
    "covariates.file": "data/iris_covariates.csv",
    "indicators.catalog": "indicators.yaml",
    "indicators.values": "data/indicators/values.csv",
    "indicators.inventories": "data/indicators/inventories",
}
DESCRIPTION_FILES = ("schema.yaml", "codebook.yaml", "design.yaml")
# Shown, commented out, when the territory has no IRIS contours: what to write to add them.
IRIS_SUGGESTED = {"geo.iris.file": LAYOUT["geo.iris.file"], "geo.iris.id_property": "CODE_IRIS",
                  "geo.iris.name_property": "NOM_IRIS", "geo.iris.commune_property": "INSEE_COM",
                  "geo.iris.type_property": "TYP_IRIS", "covariates.file": LAYOUT["covariates.file"]}
# Optional inputs a new territory does not have yet: shown commented out, with where to put them.
OPTIONAL_SUGGESTED = {"support.file": "data/lieux_mediation_numerique.csv"}
# Properties added to the communes' contours when the referential gives names and populations.
OFFICIAL_NAME, LEGAL_POPULATION = "nom_officiel", "population_legale"
PLACEHOLDER_CONTACT = "à compléter"
DEFAULT_LICENCE = "Licence Ouverte 2.0"
WIDTH = 100


@dataclass(frozen=True)
class Identity:
    name: str
    short_name: str
    code: str
    code_kind: str
    contact: str = PLACEHOLDER_CONTACT
    licence: str = DEFAULT_LICENCE


@dataclass(frozen=True)
class LayerSource:
    """A contour file and the properties the user named (None: detected)."""

    path: Path
    id_property: str | None = None
    name_property: str | None = None
    commune_property: str | None = None
    population_property: str | None = None


@dataclass
class Scaffold:
    """What `new_territory` made, for the command's report."""

    root: Path
    communes: int = 0
    iris: int = 0
    without_iris: list[str] = field(default_factory=list)  # « code nom » of communes without IRIS
    properties: dict[str, str] = field(default_factory=dict)  # observatoire.yaml geo key -> property
    notes: list[str] = field(default_factory=list)


def code_kind_of(code: str) -> str:
    """A sensible `code_kind` for a code: SIREN (9 digits), commune (5), département (2 or 3)."""
    code = code.strip()
    if re.fullmatch(r"\d{9}", code):
        return "SIREN"
    if contours.is_commune_code(code):
        return "commune"
    return "departement" if re.fullmatch(r"\d[\dAB]\d?", code) else "code"


def new_territory(root: Path, identity: Identity, communes: LayerSource, iris: LayerSource | None = None,
                  epci: Epci | None = None) -> Scaffold:
    """Write a new territory directory at `root` (refused if it exists and is not empty); every
    file is written in a temporary folder first, so a failure leaves nothing behind."""
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UserError(f"Le dossier « {root} » existe déjà et n'est pas vide : rien n'a été écrit.",
                        "Donnez le chemin d'un dossier nouveau ou vide pour le territoire.")
    report = Scaffold(root)
    commune_features, commune_keys = _communes(communes, epci, report)
    codes = {str(f["properties"][commune_keys["id_property"]]).strip(): f for f in commune_features}
    iris_features, iris_keys = _iris(iris, codes, report) if iris is not None else ([], {})
    if iris is not None:
        covered = {str(f["properties"][iris_keys["commune_property"]]).strip() for f in iris_features}
        report.without_iris = [f"{code} {codes[code]['properties'][commune_keys['name_property']]}"
                               for code in sorted(codes) if code not in covered]
    report.communes, report.iris = len(codes), len(iris_features)
    report.properties = {**{f"geo.communes.{k}": v for k, v in commune_keys.items()},
                         **{f"geo.iris.{k}": v for k, v in iris_keys.items()}}
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        contours.write_collection(staging / LAYOUT["geo.communes.file"], commune_features)
        if iris_features:
            contours.write_collection(staging / LAYOUT["geo.iris.file"], iris_features)
        _copy_example(staging)
        _margin_templates(staging, sorted(codes))
        write_atomic(staging / LAYOUT["indicators.values"], values_csv(empty_values()))
        (staging / LAYOUT["indicators.inventories"]).mkdir(parents=True)
        text = config_text(identity, commune_keys, iris_keys if iris_features else None, epci)
        (staging / CONFIG_NAME).write_text(text, encoding="utf-8")
        load_territory(staging)  # what was written must load
        if root.exists():
            root.rmdir()
        os.replace(staging, root)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return report


# --- contours -----------------------------------------------------------------------------------


def _communes(source: LayerSource, epci: Epci | None, report: Scaffold) -> tuple[list[dict], dict[str, str]]:
    collection = contours.read_collection(source.path)
    keys = {
        "id_property": contours.detect(collection, contours.COMMUNE_ID, contours.is_commune_code,
                                       "le code Insee des communes", source.id_property, "--communes-id"),
        "name_property": contours.detect(collection, contours.COMMUNE_NAME, contours.is_name,
                                         "le nom des communes", source.name_property, "--communes-name"),
    }
    population = source.population_property or contours.find_property(
        collection, contours.COMMUNE_POPULATION, contours.is_count)
    if population is not None:
        keys["population_property"] = contours.detect(collection, (), contours.is_count, "la population",
                                                      population, "--communes-population")
    features = _unique(collection, keys["id_property"], "commune")
    if epci is not None:
        features = _members(features, keys, epci, report)
    return features, keys


def _members(features: list[dict], keys: dict[str, str], epci: Epci, report: Scaffold) -> list[dict]:
    """Keep the EPCI's member communes, with the referential's names and populations."""
    by_code = {str(f["properties"][keys["id_property"]]).strip(): f for f in features}
    missing = [f"{m.code} {m.name}" for m in epci.members if m.code not in by_code]
    if missing:
        raise UserError(
            f"{len(missing)} commune(s) membre(s) de {epci.name} ({epci.source_fr()}) absente(s) des contours : "
            + ", ".join(missing) + ".",
            "Prenez des contours du même millésime que le référentiel (IGN Admin Express COG de la même année), "
            "ou un fichier qui couvre tout le département.",
        )
    members = {m.code: m for m in epci.members}
    extra = sorted(code for code in by_code if code not in members)
    if extra:
        names = [f"{code} {by_code[code]['properties'][keys['name_property']]}" for code in extra]
        shown = ", ".join(names[:20]) + (f" et {len(names) - 20} autre(s)" if len(names) > 20 else "")
        report.notes.append(f"{len(extra)} commune(s) des contours hors de {epci.name}, non reprise(s) : {shown}.")
    renamed = [f"{m.code} « {by_code[m.code]['properties'][keys['name_property']]} » → « {m.name} »"
               for m in epci.members if str(by_code[m.code]["properties"][keys["name_property"]]).strip() != m.name]
    if renamed:
        report.notes.append("Noms des communes pris dans le référentiel, différents des contours : " + ", ".join(renamed) + ".")
    kept = []
    for member in epci.members:
        feature = by_code[member.code]
        properties = {**feature["properties"], OFFICIAL_NAME: member.name}
        if member.population is not None:
            properties[LEGAL_POPULATION] = member.population
        kept.append({**feature, "properties": properties})
    keys["name_property"] = OFFICIAL_NAME
    if all(m.population is not None for m in epci.members):
        keys["population_property"] = LEGAL_POPULATION
    return kept


def _iris(source: LayerSource, communes: Mapping[str, dict], report: Scaffold) -> tuple[list[dict], dict[str, str]]:
    collection = contours.read_collection(source.path)
    keys = {
        "id_property": contours.detect(collection, contours.IRIS_ID, contours.is_iris_code,
                                       "le code IRIS (9 caractères)", source.id_property, "--iris-id"),
        "name_property": contours.detect(collection, contours.IRIS_NAME, contours.is_name,
                                         "le nom des IRIS", source.name_property, "--iris-name"),
        "commune_property": contours.detect(collection, contours.IRIS_COMMUNE, contours.is_commune_code,
                                            "le code Insee de la commune de l'IRIS", source.commune_property,
                                            "--iris-commune"),
    }
    kind = contours.find_property(collection, contours.IRIS_TYPE, contours.is_iris_type)
    if kind is not None:
        keys["type_property"] = kind
    features = _unique(collection, keys["id_property"], "IRIS")
    kept = [f for f in features if str(f["properties"][keys["commune_property"]]).strip() in communes]
    if not kept:
        raise UserError(f"{source.path} : aucun IRIS des communes du territoire.",
                        "Vérifiez que les contours IRIS couvrent les mêmes communes (même millésime).")
    if len(kept) < len(features):
        report.notes.append(f"{len(features) - len(kept)} IRIS hors des communes du territoire, non repris.")
    return kept, keys


def _unique(collection: contours.Collection, id_property: str, what: str) -> list[dict]:
    codes = [str(row[id_property]).strip() for row in collection.properties()]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise UserError(f"{collection.path} : code(s) {what} en double : {', '.join(repeated[:20])}.",
                        "Chaque entité doit avoir son propre code : fusionnez les morceaux d'un même territoire "
                        "en un MultiPolygon (ogr2ogr -dialect sqlite -sql \"SELECT ST_Union(geometry), … GROUP BY …\").")
    return collection.features


# --- copied and template files ------------------------------------------------------------------


def _copy_example(staging: Path) -> None:
    example = load_territory(EXAMPLE_DIR)
    description = staging / LAYOUT["survey.description"]
    description.mkdir(parents=True)
    for name in DESCRIPTION_FILES:
        shutil.copyfile(example.survey_description / name, description / name)
    shutil.copyfile(example.catalog, staging / LAYOUT["indicators.catalog"])


def _margin_templates(staging: Path, communes: list[str]) -> None:
    """One CSV per raking variable of design.yaml: every category (every commune for `commune`),
    total 0 — to fill with the census figures."""
    spec = load_spec(staging / LAYOUT["survey.description"], with_margins=False)
    folder = staging / LAYOUT["survey.margins"]
    folder.mkdir(parents=True)
    for variable in spec.design.raking:
        levels = [communes if column == "commune" else [str(v) for v in spec.field(column).enum or ()]
                  for column in variable.columns]
        rows = [",".join([*combination, "0"]) for combination in itertools.product(*levels)]
        write_atomic(folder / variable.file, "\n".join([",".join([*variable.columns, "total"]), *rows]) + "\n")


# --- observatoire.yaml --------------------------------------------------------------------------


def config_text(identity: Identity, commune_keys: Mapping[str, str], iris_keys: Mapping[str, str] | None,
                epci: Epci | None = None) -> str:
    """observatoire.yaml of a new territory: every key of `KEYS`, each preceded by its French help;
    optional keys without a value are written commented out."""
    values: dict[str, Any] = {**{k: getattr(identity, k) for k in ("name", "short_name", "code", "code_kind",
                                                                   "contact", "licence")},
                              **{f"geo.communes.{k}": v for k, v in commune_keys.items()},
                              **{path: LAYOUT[path] for path in LAYOUT if not path.startswith("geo.")},
                              "geo.communes.file": LAYOUT["geo.communes.file"]}
    if iris_keys is not None:
        values.update({f"geo.iris.{k}": v for k, v in iris_keys.items()}, **{"geo.iris.file": LAYOUT["geo.iris.file"]})
    else:  # covariates describe IRIS
        del values["covariates.file"]
    muted = set() if iris_keys is not None else set(IRIS_SUGGESTED)
    lines = _header(identity, epci)
    opened: list[str] = []
    for key in KEYS:
        parts = key.path.split(".")
        if key.kind == "provenance":
            lines += ["", *_comment(key.help_fr, ""), *_provenance_block(iris_keys is not None)]
            continue
        if key.path == "settings":
            lines += ["", *_comment(key.help_fr, ""), "settings: {}"]
            continue
        if key.kind == "mapping":  # geo.iris: a section of its own, maybe absent
            continue
        common = 0
        while common < min(len(opened), len(parts) - 1) and opened[common] == parts[common]:
            common += 1
        opened = opened[:common]
        for depth in range(common, len(parts) - 1):
            section = ".".join(parts[: depth + 1])
            if depth == 0:
                lines.append("")
            if section in _BY_PATH:
                lines += _comment(_BY_PATH[section].help_fr, "  " * depth)
            prefix = "# " if section.startswith("geo.iris") and iris_keys is None else ""
            lines.append(f"{'  ' * depth}{prefix}{parts[depth]}:")
            opened.append(parts[depth])
        indent = "  " * (len(parts) - 1)
        if not indent:
            lines.append("")
        help_fr = key.help_fr if key.required or "facultati" in key.help_fr else f"{key.help_fr} [facultatif]"
        lines += _comment(help_fr, indent)
        value = IRIS_SUGGESTED[key.path] if key.path in muted else values.get(key.path)
        if value is None or key.path in muted:
            value = OPTIONAL_SUGGESTED.get(key.path) if value is None else value
            lines.append(f"{indent}# {parts[-1]}: {_scalar(value) if value is not None else ''}".rstrip())
        else:
            lines.append(f"{indent}{parts[-1]}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


_BY_PATH = {key.path: key for key in KEYS}


def _header(identity: Identity, epci: Epci | None) -> list[str]:
    lines = [
        f"Territoire de l'observatoire : {identity.name}.",
        f"Créé le {dt.date.today().isoformat()} par « observatoire territory new ». Chaque clé est expliquée "
        "ci-dessous et dans docs/territoire.md ; les chemins sont relatifs à ce dossier.",
        "Prochaines étapes : déposez vos fichiers aux chemins indiqués, puis lancez "
        "« observatoire check --territory CE_DOSSIER », qui liste ce qui reste à remplir.",
    ]
    if epci is not None:
        lines.append(f"Communes membres, noms (propriété {OFFICIAL_NAME}) et populations légales (propriété "
                     f"{LEGAL_POPULATION}) : référentiel {epci.source_fr()} — Insee (COG, populations légales), "
                     "DGCL (composition des EPCI), Licence Ouverte.")
    return [line for text in lines for line in _comment(text, "")]


def _provenance_block(has_iris: bool) -> list[str]:
    """Every input, with its state when the directory was made."""
    states = {
        "geo": ("real", "vos contours"),
        "survey": ("real", f"à déposer : {LAYOUT['survey.file']}"),
        "margins": ("real", "modèles à remplir (totaux à 0) avec les chiffres de l'Insee"),
        "covariates": ("real", f"à déposer : {LAYOUT['covariates.file']}"),
        "catalog": ("demonstration", "catalogue de l'exemple : remplacez-le par vos engagements, puis real"),
        "values": ("real", "table vide, remplie par « observatoire import »"),
        "inventories": ("real", "dossier vide, pour vos inventaires du parc"),
    }
    if not has_iris:
        del states["covariates"]
    lines = _comment("À la création : " + " ; ".join(f"{INPUTS[name]} — {note}" for name, (_, note) in states.items())
                     + ". « observatoire demo » y écrit des données de démonstration et met ces lignes à jour.", "")
    lines.append("provenance:")
    lines += [f"  {name}: {state}".ljust(30) + f"# {INPUTS[name]}" for name, (state, _) in states.items()]
    return lines


def _comment(text: str, indent: str) -> list[str]:
    text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")  # French quotes keep their words
    return textwrap.wrap(text, WIDTH - len(indent), initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# ",
                         break_on_hyphens=False)


def _scalar(value: Any) -> str:
    """A YAML double-quoted scalar (JSON string syntax), so codes stay text."""
    return json.dumps(str(value), ensure_ascii=False)


# --- provenance lines of an existing observatoire.yaml ------------------------------------------

_TOP_LEVEL = re.compile(r"^[^\s#]")
_ENTRY = re.compile(r"^(?P<indent>\s+)(?P<name>[\w-]+):(?P<gap>\s*)(?P<value>[^\s#]*)(?P<rest>\s*#.*)?$")


def set_provenance(config: Path, updates: Mapping[str, str]) -> None:
    """Set `provenance.<name>: <value>` for each update, editing the lines in place so every
    comment of the file is kept; missing entries are added to the block (created if absent)."""
    lines = Path(config).read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^provenance:\s*(#.*)?$", line)), None)
    if start is None and any(re.match(r"^provenance\s*:", line) for line in lines):
        raise UserError(f"{config} : impossible de mettre à jour la section provenance, écrite sur une seule ligne.",
                        "Écrivez-la une donnée par ligne, comme dans docs/territoire.md, puis relancez.")
    if start is None:
        lines += ["", "provenance:"]
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if _TOP_LEVEL.match(lines[i])), len(lines))
    entries = {m["name"]: i for i in range(start + 1, end) if (m := _ENTRY.match(lines[i]))}
    indent = _ENTRY.match(lines[next(iter(entries.values()))])["indent"] if entries else "  "
    for name, value in updates.items():
        if name in entries:
            lines[entries[name]] = _replace_value(_ENTRY.match(lines[entries[name]]), value)
        else:
            last = max(entries.values(), default=start)
            lines.insert(last + 1, f"{indent}{name}: {value}")
            entries = {k: (i + 1 if i > last else i) for k, i in entries.items()} | {name: last + 1}
    text = "\n".join(lines) + "\n"
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or any((document.get("provenance") or {}).get(k) != v for k, v in updates.items()):
        raise UserError(f"{config} : la section provenance n'a pas pu être mise à jour ; le fichier est inchangé.",
                        "Écrivez-la une donnée par ligne, comme dans docs/territoire.md, puis relancez.")
    write_atomic(config, text)


def _replace_value(match: re.Match, value: str) -> str:
    """The entry with its new value, its comment kept at the same column when there is room."""
    head = f"{match['indent']}{match['name']}:{match['gap'] or ' '}{value}"
    rest = match["rest"] or ""
    if not rest:
        return head
    column = match.start("rest") + len(rest) - len(rest.lstrip())
    comment = rest.lstrip()
    return head + " " * max(column - len(head), 1) + comment

"""The territory directory: one instance of the observatory (datasette's configuration directory,
Open SDG's site config).

`observatoire.yaml` at the directory's root names the place and its wording, its geography files
and properties, the survey and its description, the margins, covariates, indicators, values and
inventories, the method-setting overrides and the provenance (real or demonstration) of each
input. `load_territory(dir)` checks it against `KEYS` (every key declared once, with its French
help: the documentation and the check both read it) and resolves paths relative to the directory.

Which directory: `--territory DIR` on the command line, `OBSERVATOIRE_TERRITORY` for the app,
else the bundled example (the repository root, whose `observatoire.yaml` names the demo files).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from observatoire.errors import UserError
from observatoire.yamlfile import load_yaml

CONFIG_NAME = "observatoire.yaml"
ENV_VAR = "OBSERVATOIRE_TERRITORY"
EXAMPLE_DIR = Path(__file__).resolve().parent.parent
PROVENANCES = ("real", "demonstration")


@dataclass(frozen=True)
class Key:
    """One key of observatoire.yaml: dotted path, expected kind, whether required, French help."""

    path: str
    kind: str  # text | path | dir | mapping | provenance
    required: bool
    help_fr: str


# Inputs whose provenance is declared, in the order sentences list them, with their French name.
INPUTS = {
    "geo": "contours des communes et des IRIS",
    "survey": "enquête",
    "margins": "marges de calage",
    "covariates": "covariables des IRIS",
    "catalog": "catalogue des engagements",
    "values": "valeurs des indicateurs",
    "inventories": "inventaires du parc",
    "support": "lieux de médiation",
}

KEYS: tuple[Key, ...] = (
    Key("name", "text", True, "Nom du territoire tel qu'il s'affiche dans les titres (« Agglomération de Valmont »)."),
    Key("short_name", "text", True,
        "Désignation courte pour les phrases, avec son article (« l'agglomération », « le département », "
        "« la communauté de communes »)."),
    Key("code", "text", True, "Code officiel du territoire (SIREN de l'EPCI, code du département…), "
        "inscrit sur les valeurs des indicateurs de niveau territoire."),
    Key("code_kind", "text", True, "Nature du code : SIREN (EPCI), departement, commune…"),
    Key("contact", "text", True,
        "Adresse électronique ou page de contact de l'observatoire (déclaration d'accessibilité du site public)."),
    Key("licence", "text", True, "Licence des données ouvertes publiées (ex. « Licence Ouverte 2.0 »)."),
    Key("geo.communes.file", "path", True, "Contours des communes : fichier GeoJSON en longitude/latitude (WGS84)."),
    Key("geo.communes.id_property", "text", True, "Propriété des contours portant le code Insee de la commune."),
    Key("geo.communes.name_property", "text", True, "Propriété des contours portant le nom de la commune."),
    Key("geo.communes.population_property", "text", False,
        "Propriété portant la population légale de la commune (facultative : sert aux données de démonstration)."),
    Key("geo.iris", "mapping", False,
        "Contours des IRIS (facultatif : sans eux, ni carte ni classement par IRIS, ce que les pages disent)."),
    Key("geo.iris.file", "path", True, "Contours des IRIS : fichier GeoJSON en longitude/latitude (WGS84)."),
    Key("geo.iris.id_property", "text", True, "Propriété portant le code IRIS à 9 caractères."),
    Key("geo.iris.name_property", "text", True, "Propriété portant le nom de l'IRIS."),
    Key("geo.iris.commune_property", "text", True, "Propriété portant le code Insee de la commune de l'IRIS."),
    Key("geo.iris.type_property", "text", False,
        "Propriété portant le type d'IRIS de l'Insee (H habitat, A activité, D divers, Z commune non découpée) ; "
        "facultative."),
    Key("survey.file", "path", False, "Fichier de l'enquête (une ligne par répondant : CSV, XLSX ou SAV)."),
    Key("survey.description", "dir", True,
        "Dossier de description de l'enquête : schema.yaml, codebook.yaml, design.yaml."),
    Key("survey.margins", "dir", True,
        "Dossier des marges de calage (un CSV par variable de calage, nommé dans design.yaml)."),
    Key("covariates.file", "path", False,
        "Covariables par IRIS (recensement, revenus, couverture) pour le modèle sur petits domaines ; facultatif."),
    Key("support.file", "path", False,
        "Lieux de médiation numérique du territoire (France Services, conseillers numériques, tiers-lieux…) au "
        "standard national « schéma des lieux de médiation numérique » v1.0.1 (CSV UTF-8) ; facultatif : placés "
        "sur les cartes, ils donnent la distance de chaque quartier au lieu le plus proche."),
    Key("indicators.catalog", "path", True, "Catalogue des indicateurs des engagements (indicators.yaml)."),
    Key("indicators.values", "path", True,
        "Table des valeurs des indicateurs (CSV), alimentée par « observatoire import » ; créée si absente."),
    Key("indicators.inventories", "dir", False, "Dossier des inventaires du parc (matériel, logiciels) ; facultatif."),
    Key("provenance", "provenance", True,
        "Pour chaque donnée (geo, survey, margins, covariates, catalog, values, inventories, support) : « real » "
        "(réelle) ou « demonstration » (synthétique, signalée partout où elle s'affiche)."),
    Key("settings", "mapping", False,
        "Réglages de méthode qui remplacent les valeurs par défaut (liste dans la documentation des réglages)."),
)
_BY_PATH = {key.path: key for key in KEYS}
_SECTIONS = {"geo", "geo.communes", "survey", "covariates", "support", "indicators"}


@dataclass(frozen=True)
class GeoLayer:
    """A contour file and the properties that carry the codes and names."""

    file: Path
    id_property: str
    name_property: str
    commune_property: str | None = None
    population_property: str | None = None
    type_property: str | None = None


@dataclass(frozen=True)
class Territory:
    """A checked observatoire.yaml, every path resolved against `root`."""

    root: Path
    name: str
    short_name: str
    code: str
    code_kind: str
    contact: str
    licence: str
    communes: GeoLayer
    iris: GeoLayer | None
    survey: Path | None
    survey_description: Path
    margins: Path
    covariates: Path | None
    catalog: Path
    values: Path
    inventories: Path | None
    provenance: Mapping[str, str]
    settings: Mapping[str, Any] = field(default_factory=dict)
    support: Path | None = None

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    def is_demonstration(self, what: str) -> bool:
        return self.provenance.get(what) == "demonstration"

    @property
    def demonstration_inputs(self) -> tuple[str, ...]:
        return tuple(k for k in INPUTS if self.is_demonstration(k))

    def of_name(self) -> str:
        """« de l'agglomération », « du département », « de la communauté », « des communes »."""
        return of_phrase(self.short_name)


def of_phrase(noun_phrase: str) -> str:
    """French "de" + article: contracted with le/les (du, des), kept otherwise."""
    lower = noun_phrase.lower()
    if lower.startswith("le "):
        return "du " + noun_phrase[3:]
    if lower.startswith("les "):
        return "des " + noun_phrase[4:]
    return "de " + noun_phrase


def default_dir() -> Path:
    """`OBSERVATOIRE_TERRITORY` when set, else the bundled example territory."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured) if configured else EXAMPLE_DIR


def load_territory(root: Path | str | None = None) -> Territory:
    """Read and check `root/observatoire.yaml` (default: `default_dir()`); French `UserError`
    naming the file, the key and what to do."""
    root = Path(root) if root is not None else default_dir()
    config = root / CONFIG_NAME
    if not config.is_file():
        raise UserError(
            f"Aucun fichier {CONFIG_NAME} dans le dossier de territoire « {root} ».",
            "Donnez le dossier d'un territoire (option --territory ou variable OBSERVATOIRE_TERRITORY), "
            "ou créez-en un avec « observatoire territory new ».",
        )
    document = load_yaml(config)
    problems = check_document(document)
    if problems:
        raise UserError(
            f"{config} : {len(problems)} problème(s) de configuration :\n" + "\n".join(f"- {p}" for p in problems),
            "Corrigez les clés signalées ; chaque clé est décrite dans docs/territoire.md.",
        )
    return _build(root.resolve(), document)


def check_document(document: Any, root: Path | None = None) -> list[str]:
    """Every problem of a parsed observatoire.yaml, in French (`key : problem — what to do`);
    with `root`, also checks that the files and folders it names exist."""
    if not isinstance(document, dict):
        return ["le fichier doit contenir des clés (name, short_name, geo, survey…), pas une liste ni un texte seul"]
    problems = [f"clé « {path} » inconnue — vérifiez son orthographe ; clés possibles : docs/territoire.md"
                for path in _unknown_keys(document)]
    has_iris = isinstance(_get(document, "geo.iris"), dict)
    for key in KEYS:
        if key.path.startswith("geo.iris.") and not has_iris:
            continue
        value = _get(document, key.path)
        if value is None:
            if key.required:
                problems.append(f"clé « {key.path} » manquante — {key.help_fr}")
            continue
        problems += _check_value(key, value, root)
    return problems


def _check_value(key: Key, value: Any, root: Path | None) -> list[str]:
    if key.kind in ("text", "path", "dir") and (not isinstance(value, (str, int)) or value == ""):
        return [f"clé « {key.path} » : texte attendu — {key.help_fr}"]
    if key.kind == "mapping" and not isinstance(value, dict):
        return [f"clé « {key.path} » : dictionnaire de clés attendu — {key.help_fr}"]
    if key.kind == "provenance":
        return _check_provenance(value)
    if root is not None and key.kind in ("path", "dir"):
        target = root / str(value)
        exists = target.is_dir() if key.kind == "dir" else target.is_file()
        optional_file = key.path == "indicators.values"  # created by the first import
        if not exists and not optional_file:
            kind = "dossier" if key.kind == "dir" else "fichier"
            return [f"clé « {key.path} » : {kind} « {value} » introuvable dans le dossier du territoire — "
                    f"placez-le à cet endroit ou corrigez le chemin (relatif au dossier du territoire)"]
    return []


def _check_provenance(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"clé « provenance » : dictionnaire attendu ({', '.join(INPUTS)} → real ou demonstration)"]
    problems = [f"clé « provenance.{name} » inconnue — données possibles : {', '.join(INPUTS)}"
                for name in value if name not in INPUTS]
    problems += [f"clé « provenance.{name} » : « {kind} » n'est pas permis — écrivez real (réelle) ou "
                 f"demonstration (synthétique)" for name, kind in value.items() if name in INPUTS and kind not in PROVENANCES]
    return problems


def _unknown_keys(document: dict, prefix: str = "") -> list[str]:
    unknown = []
    for name, value in document.items():
        path = f"{prefix}{name}"
        if path not in _BY_PATH and path not in _SECTIONS:
            unknown.append(path)
        elif isinstance(value, dict) and _BY_PATH.get(path, Key(path, "section", False, "")).kind in ("section", "mapping") \
                and path not in ("settings",):
            unknown += _unknown_keys(value, f"{path}.")
    return unknown


def _get(document: dict, path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _build(root: Path, document: dict) -> Territory:
    def path(key: str) -> Path | None:
        value = _get(document, key)
        return root / str(value) if value is not None else None

    def text(key: str) -> str | None:
        value = _get(document, key)
        return str(value) if value is not None else None

    def layer(prefix: str) -> GeoLayer:
        return GeoLayer(
            file=path(f"{prefix}.file"),
            id_property=text(f"{prefix}.id_property"),
            name_property=text(f"{prefix}.name_property"),
            commune_property=text(f"{prefix}.commune_property"),
            population_property=text(f"{prefix}.population_property"),
            type_property=text(f"{prefix}.type_property"),
        )

    configured = {"covariates": "covariates.file", "inventories": "indicators.inventories", "support": "support.file"}
    provenance = {name: str(_get(document, f"provenance.{name}") or "real") for name in INPUTS
                  if name not in configured or _get(document, configured[name]) is not None}
    return Territory(
        root=root,
        name=text("name"),
        short_name=text("short_name"),
        code=text("code"),
        code_kind=text("code_kind"),
        contact=text("contact"),
        licence=text("licence"),
        communes=layer("geo.communes"),
        iris=layer("geo.iris") if isinstance(_get(document, "geo.iris"), dict) else None,
        survey=path("survey.file"),
        survey_description=path("survey.description"),
        margins=path("survey.margins"),
        covariates=path("covariates.file"),
        catalog=path("indicators.catalog"),
        values=path("indicators.values"),
        inventories=path("indicators.inventories"),
        provenance=provenance,
        settings=dict(_get(document, "settings") or {}),
        support=path("support.file"),
    )

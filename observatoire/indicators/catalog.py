"""The indicator catalogue: `indicators.yaml` validated by a self-documenting schema.

Every field carries a French title and description (`field_docs()` lists them, a test checks
none is missing), so the schema is also the documentation of the file. A malformed file raises
a `UserError` naming the indicator id and the field, with every problem listed at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from observatoire.errors import UserError, echo
from observatoire.yamlfile import load_yaml

Direction = Literal["increase", "decrease", "band", "binary"]
ComputeMethod = Literal["footprint", "refurbished_share", "sovereignty"]


def _field(title: str, description: str, **kwargs):
    return Field(title=title, description=description, **kwargs)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Baseline(_Strict):
    year: int = _field("Année de référence", "Année à partir de laquelle la progression est mesurée.",
                       ge=2000, le=2100)
    value: float | None = _field(
        "Valeur de référence déclarée",
        "Valeur publiée pour l'année de référence, pour information ; le calcul de progression "
        "utilise la série de valeurs. Vide lorsque la valeur vient de l'enquête ou d'un calcul.",
        default=None)
    source: str | None = _field("Source de la valeur de référence",
                                "Publication d'où provient la valeur de référence, si elle est publiée.",
                                default=None)


class Band(_Strict):
    low: float = _field("Borne basse", "Valeur minimale de la fourchette à respecter.")
    high: float = _field("Borne haute", "Valeur maximale de la fourchette à respecter.")

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.low > self.high:
            raise ValueError("la borne basse dépasse la borne haute")
        return self


class SurveySource(_Strict):
    type: Literal["survey"] = _field("Type de source", "« survey » : estimé à partir de l'enquête auprès des habitants.")
    variable: str = _field("Variable de l'enquête",
                           "Variable 0/1 de l'enquête (brute ou dérivée dans survey/codebook.yaml).")
    estimator: Literal["proportion", "mean"] = _field(
        "Estimateur", "Estimateur pondéré appliqué à chaque vague : proportion (×100) ou moyenne.")
    domain: str | None = _field("Domaine", "Sous-population (« variable=modalité ») ; vide pour toute la population.",
                                default=None)


class FileSource(_Strict):
    type: Literal["file"] = _field("Type de source", "« file » : valeur transmise par le service (CSV ou classeur Excel).")
    detail: str = _field("Fichier d'origine", "Description du fichier ou du système dont la valeur est tirée.")


class ComputedSource(_Strict):
    type: Literal["computed"] = _field("Type de source", "« computed » : calculé à partir d'un inventaire opérationnel.")
    method: ComputeMethod = _field(
        "Méthode de calcul",
        "footprint (empreinte carbone du parc), refurbished_share (reconditionnés / réformés) ou "
        "sovereignty (postes dépendant d'un logiciel non souverain).")
    inventory: str = _field("Inventaire", "Nom du fichier d'inventaire (dans data/indicators/ ou le dossier des inventaires).")


Source = Annotated[Union[SurveySource, FileSource, ComputedSource], Field(discriminator="type")]


class Indicator(_Strict):
    id: str = _field("Identifiant", "Code stable de l'indicateur : trois lettres du thème et deux chiffres (ex. INC01).",
                     pattern=r"^[A-Z]{3}\d{2}$")
    theme: str = _field("Thème", "Clé d'un thème déclaré dans la rubrique « themes ».")
    title: str = _field("Intitulé", "Intitulé court de l'indicateur, en français.", min_length=3)
    definition: str = _field("Définition", "Définition précise : ce qui est compté, sur quel champ.", min_length=3)
    unit: str = _field("Unité", "Unité en toutes lettres (ex. « % des habitants de 15 ans ou plus »).")
    unit_short: str = _field("Unité abrégée", "Unité affichée à côté des valeurs (ex. « % », « t CO2e »).")
    decimals: int = _field("Décimales", "Nombre de décimales affichées.", ge=0, le=4)
    direction: Direction = _field(
        "Sens souhaité",
        "increase (hausse souhaitée), decrease (baisse souhaitée), band (rester dans une fourchette) "
        "ou binary (0/1 : atteint ou non).")
    band: Band | None = _field("Fourchette", "Fourchette à respecter ; obligatoire si direction = band.", default=None)
    limit: float | None = _field(
        "Limite naturelle",
        "Valeur qui ne peut être dépassée (ex. 100 % ou 0) ; réduit les seuils de la méthode sans cible.",
        default=None)
    baseline: Baseline = _field("Référence", "Année (et valeur publiée) de référence de la progression.")
    target: float | None = _field(
        "Cible", "Valeur visée à l'année cible ; vide : progression jugée sur le taux de croissance.", default=None)
    target_year: int = _field("Année cible", "Échéance de la cible (2026 pour les engagements).", default=2026)
    owner: str = _field("Service responsable", "Service qui produit ou transmet la valeur.")
    source: Source = _field("Source des valeurs", "Enquête, fichier transmis ou calcul à partir d'un inventaire.")
    status: Literal["published", "published_theme", "illustrative"] = _field(
        "Statut de l'entrée",
        "published : engagement et cible publiés ; published_theme : engagement publié, indicateur "
        "et cible illustratifs ; illustrative : entrée inventée pour la démonstration.")
    status_note: str = _field("Note sur le statut", "Ce qui est publié, ce qui est illustratif, et pourquoi.")
    reference: str | None = _field("Référence publique", "Source publique de l'engagement ou de la cible.", default=None)

    @model_validator(mode="after")
    def _direction_fields(self) -> Indicator:
        if self.direction == "band" and self.band is None:
            raise ValueError("direction « band » sans fourchette (champ band)")
        if self.direction == "binary" and self.target not in (None, 0, 1):
            raise ValueError("un indicateur binaire a pour cible 0 ou 1")
        if self.baseline.year > self.target_year:
            raise ValueError("l'année de référence est postérieure à l'année cible")
        return self

    @property
    def illustrative(self) -> bool:
        return self.status != "published"

    @property
    def bounds(self) -> tuple[float, float | None]:
        """The values this indicator can take, from its unit: a share (%) lies in [0, 100], a
        yes/no in [0, 1]; every other unit of the catalogue is a count or a physical quantity
        (people, places, tonnes, years, kB, index, score), hence ≥ 0; a natural `limit` that an
        increase cannot pass (100 for a score on 100) caps it."""
        if self.direction == "binary":
            return 0.0, 1.0
        if self.unit_short.strip() == "%":
            return 0.0, 100.0
        upper = self.limit if self.limit is not None and self.direction == "increase" and self.limit > 0 else None
        return 0.0, upper


class Catalog(_Strict):
    version: int = _field("Version du format", "Version du format du fichier (1).")
    horizon: int = _field("Horizon", "Année d'échéance des engagements.")
    themes: dict[str, str] = _field("Thèmes", "Clé du thème → intitulé français.")
    indicators: tuple[Indicator, ...] = _field("Indicateurs", "Liste des indicateurs.")

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        seen: set[str] = set()
        for ind in self.indicators:
            if ind.id in seen:
                raise ValueError(f"identifiant en double : {ind.id}")
            seen.add(ind.id)
            if ind.theme not in self.themes:
                raise ValueError(f"indicateur {ind.id} : thème inconnu « {ind.theme} »")
        return self

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(ind.id for ind in self.indicators)

    @property
    def years(self) -> range:
        """The years a value may have: from the earliest reference year to the latest target year
        (the commitments' period; the input workbook offers exactly these)."""
        first = min((ind.baseline.year for ind in self.indicators), default=self.horizon)
        last = max([self.horizon, *(ind.target_year for ind in self.indicators)])
        return range(min(first, last), last + 1)


_FR_ERRORS = {
    "missing": "champ obligatoire absent",
    "extra_forbidden": "champ inconnu",
    "int_parsing": "n'est pas un nombre entier",
    "int_from_float": "n'est pas un nombre entier",
    "float_parsing": "n'est pas un nombre",
    "string_type": "doit être un texte",
    "string_pattern_mismatch": "format invalide (attendu : trois lettres majuscules et deux chiffres)",
    "union_tag_invalid": "type de source inconnu (attendu : survey, file ou computed)",
    "union_tag_not_found": "type de source absent (attendu : survey, file ou computed)",
}


def _describe(error: dict) -> str:
    kind = error["type"]
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "").replace(" or ", " ou ")
        return f"valeur « {echo(error.get('input'))} » non autorisée (attendu : {expected})"
    if kind in ("greater_than_equal", "less_than_equal", "string_too_short"):
        return f"valeur « {echo(error.get('input'))} » hors limites"
    if kind == "value_error":
        return echo(error["ctx"]["error"], 300)
    return _FR_ERRORS.get(kind, error["msg"])


def _locate(error: dict, raw: dict) -> str:
    loc = list(error["loc"])
    if len(loc) >= 2 and loc[0] == "indicators" and isinstance(loc[1], int):
        items = raw.get("indicators") or []
        item = items[loc[1]] if loc[1] < len(items) else {}
        ident = item.get("id") if isinstance(item, dict) else None
        name = f"indicateur {ident}" if ident else f"indicateur n° {loc[1] + 1}"
        fields = [str(p) for p in loc[2:] if p not in ("survey", "file", "computed")]
        return f"{name}, champ « {'.'.join(fields)} »" if fields else name
    return f"champ « {'.'.join(str(p) for p in loc)} »" if loc else "fichier"


def parse_catalog(raw: object, origin: str = "indicators.yaml") -> Catalog:
    """Validate an already-parsed YAML mapping; every problem is listed in one French error."""
    if not isinstance(raw, dict):
        raise UserError(f"{origin} : le fichier doit contenir un dictionnaire (version, horizon, themes, indicators).",
                        "Partez du fichier indicators.yaml du projet.")
    try:
        return Catalog.model_validate(raw)
    except ValidationError as exc:
        lines = [f"- {_locate(e, raw)} : {_describe(e)}" for e in exc.errors()]
        raise UserError(f"{origin} : {len(lines)} erreur(s) dans le catalogue des indicateurs :\n" + "\n".join(lines),
                        "Corrigez les champs signalés ; la signification de chaque champ est décrite dans le README.") from None


def load_catalog(path: Path | str) -> Catalog:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Catalogue introuvable : {path}", "Indiquez le chemin d'un fichier indicators.yaml.")
    return parse_catalog(load_yaml(path), path.name)


def field_docs(model: type[BaseModel] = Catalog, prefix: str = "") -> list[tuple[str, str | None, str | None]]:
    """(dotted field path, French title, French description) for every field, recursively."""
    docs = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        docs.append((path, info.title, info.description))
        subs = _submodels(info.annotation)
        for sub in subs:
            docs.extend(field_docs(sub, f"{path}[{_tag(sub)}]." if len(subs) > 1 else f"{path}."))
    return docs


def _tag(model: type[BaseModel]) -> str:
    """The discriminator value of a union member (its `type` literal)."""
    return model.model_fields["type"].annotation.__args__[0]


def _submodels(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        for sub in _submodels(arg):
            if sub not in found:
                found.append(sub)
    return found

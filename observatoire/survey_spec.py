"""The declarative survey description (survey/*.yaml, survey/margins/*.csv) as one frozen object.

`load_spec()` reads and cross-checks schema.yaml, codebook.yaml, design.yaml and the margins;
`derive(df, spec)` adds the derived 0/1 variables declared in the codebook.

Margins are keyed by the raking variable's column(s): a single column gives a string key and
string categories (`{"commune": {"75056": 221000.0, ...}}`); crossed columns give a tuple key and
tuple categories (`{("age_band", "sex"): {("15-29", "F"): 95000.0, ...}}`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from observatoire.errors import UserError, echo
from observatoire.yamlfile import load_yaml

RULE_OPERATORS = ("variable", "any_of", "all_of", "at_least", "not")
# Method options that older design.yaml files carried: they are settings now (observatoire.settings).
MOVED_TO_SETTINGS = {
    "raking.epsilon": "raking_epsilon",
    "raking.max_iterations": "raking_max_iterations",
    "trimming": "trimming_lower, trimming_upper",
    "ci": "ci_method_proportion, ci_level",
}
_PYTHON_TYPES = {"string": str, "integer": int, "number": float}
# Who the survey describes when the codebook does not say (its `population_fr` key).
DEFAULT_POPULATION = "personnes de la population enquêtée"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "string" | "integer" | "number"
    required: bool
    enum: tuple | None  # allowed values, typed like the column (int for integer fields)
    constraints: dict


@dataclass(frozen=True)
class DerivedVariable:
    name: str
    label_fr: str
    description_fr: str
    rule: dict


@dataclass(frozen=True)
class RakingVariable:
    name: str
    columns: tuple[str, ...]
    file: str

    @property
    def key(self) -> str | tuple[str, ...]:
        return self.columns[0] if len(self.columns) == 1 else self.columns


@dataclass(frozen=True)
class DesignDescription:
    weight: str
    strata: str | None
    cluster: str | None
    fpc: str | None
    wave: str
    raking: tuple[RakingVariable, ...]


@dataclass(frozen=True)
class SurveySpec:
    fields: tuple[Field, ...]
    primary_key: str
    missing_values: tuple[str, ...]
    forbidden_fields: tuple[str, ...]
    variable_labels_fr: dict[str, str]  # column or derived variable -> short French label
    questions_fr: dict[str, str]  # column -> French question wording
    labels_fr: dict[str, dict]  # column -> {value: French label}, in display order
    derived: dict[str, DerivedVariable]
    design: DesignDescription
    margins: dict
    population_fr: str = DEFAULT_POPULATION  # who every figure describes (« habitants de 15 ans ou plus »)
    # Filtered questions: variable -> derived 0/1 variable saying who was asked (codebook `universe`),
    # and derived variable -> French name of that subgroup (its `universe_fr`).
    universes: dict[str, str] = field(default_factory=dict)
    universe_labels_fr: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def population_of(self, variable: str) -> str:
        """Who a figure about `variable` describes: the subgroup a filtered question was asked to
        (« personnes en difficulté avec les démarches en ligne »), else the survey's population."""
        universe = self.universes.get(variable)
        return self.universe_labels_fr[universe] if universe else self.population_fr

    def value_label(self, variable: str, value: Any) -> str:
        """French label of a value (falls back to the value itself)."""
        return self.labels_fr.get(variable, {}).get(value, str(value))


def load_spec(survey_dir: Path, margins_dir: Path | None = None, *, with_margins: bool = True) -> SurveySpec:
    """The description in `survey_dir`; raking margin files are read from `margins_dir`
    (default: its `margins/` folder), or not at all with `with_margins=False` (empty `margins`:
    for the tools that write or check those files)."""
    survey_dir = Path(survey_dir)
    margins_dir = Path(margins_dir) if margins_dir is not None else survey_dir / "margins"
    schema = _read_yaml(survey_dir / "schema.yaml")
    codebook = _read_yaml(survey_dir / "codebook.yaml")
    design_doc = _read_yaml(survey_dir / "design.yaml")
    fields = _parse_fields(schema, survey_dir / "schema.yaml")
    by_name = {f.name: f for f in fields}
    variables = _section(codebook, "variables", survey_dir / "codebook.yaml")
    labels, variable_labels, questions = _parse_codebook(variables, by_name, survey_dir / "codebook.yaml")
    derived = _parse_derived(_section(codebook, "derived", survey_dir / "codebook.yaml"), by_name)
    variable_labels.update({name: d.label_fr for name, d in derived.items()})
    universes, universe_labels = _parse_universes(codebook, derived, survey_dir / "codebook.yaml")
    for name, universe in universes.items():  # the label says who was asked, wherever it shows
        variable_labels[name] = f"{variable_labels[name]} (parmi les {universe_labels[universe]})"
    design = _parse_design(design_doc, by_name, survey_dir / "design.yaml")
    margins = _load_margins(design.raking, by_name, margins_dir) if with_margins else {}
    return SurveySpec(
        fields=fields,
        primary_key=str(schema.get("primaryKey", "")),
        missing_values=tuple(str(v) for v in schema.get("missingValues", [""])),
        forbidden_fields=tuple(str(v) for v in schema.get("forbiddenFields", [])),
        variable_labels_fr=variable_labels,
        questions_fr=questions,
        labels_fr=labels,
        derived=derived,
        design=design,
        margins=margins,
        population_fr=str(codebook.get("population_fr") or DEFAULT_POPULATION),
        universes=universes,
        universe_labels_fr=universe_labels,
    )


def territory_spec(territory) -> SurveySpec:
    """The survey description of a `territory.Territory` (its folder and its margins folder)."""
    return load_spec(territory.survey_description, territory.margins)


# --- reading and checking -------------------------------------------------------------------


def _spec_error(path: Path, problem: str) -> UserError:
    return UserError(
        f"Description de l'enquête invalide ({path.name}) : {problem}.",
        f"Corrigez le fichier {path} (voir les commentaires en tête du fichier) puis relancez.",
    )


def _read_yaml(path: Path) -> dict:
    try:
        document = load_yaml(path)
    except UserError as err:
        raise _spec_error(path, err.message.rstrip(".")) from None
    if not isinstance(document, dict):
        raise _spec_error(path, "le contenu doit être un dictionnaire de clés")
    return document


def _section(document: dict, key: str, path: Path) -> dict:
    value = document.get(key)
    if not isinstance(value, dict):
        raise _spec_error(path, f"la section « {key} » est absente ou n'est pas un dictionnaire")
    return value


def _parse_fields(schema: dict, path: Path) -> tuple[Field, ...]:
    raw = schema.get("fields")
    if not isinstance(raw, list) or not raw:
        raise _spec_error(path, "la liste « fields » est absente ou vide")
    fields = []
    for item in raw:
        if not isinstance(item, dict) or "name" not in item or item.get("type") not in _PYTHON_TYPES:
            raise _spec_error(path, f"champ mal décrit : {echo(repr(item))} (nom et type string/integer/number requis)")
        constraints = dict(item.get("constraints") or {})
        enum = constraints.get("enum")
        cast = _PYTHON_TYPES[item["type"]]
        fields.append(
            Field(
                name=str(item["name"]),
                type=item["type"],
                required=bool(constraints.get("required", False)),
                enum=tuple(cast(v) for v in enum) if enum is not None else None,
                constraints=constraints,
            )
        )
    return tuple(fields)


def _parse_codebook(variables: dict, fields: dict[str, Field], path: Path):
    missing = sorted(set(fields) - set(variables))
    unknown = sorted(set(variables) - set(fields))
    if missing or unknown:
        raise _spec_error(path, f"variables sans libellé {missing}, variables inconnues du schéma {unknown}")
    labels, variable_labels, questions = {}, {}, {}
    for name, entry in variables.items():
        if not isinstance(entry, dict) or not entry.get("label_fr"):
            raise _spec_error(path, f"la variable « {name} » n'a pas de « label_fr »")
        variable_labels[name] = str(entry["label_fr"])
        questions[name] = str(entry.get("question_fr", ""))
        field = fields[name]
        values = entry.get("values")
        if field.enum is None:
            continue
        cast = _PYTHON_TYPES[field.type]
        typed = {cast(code): str(label) for code, label in (values or {}).items()}
        if set(typed) != set(field.enum):
            raise _spec_error(
                path, f"les libellés de « {name} » ({sorted(map(str, typed))}) ne couvrent pas exactement "
                f"les valeurs du schéma ({sorted(map(str, field.enum))})"
            )
        labels[name] = {code: typed[code] for code in field.enum}
    return labels, variable_labels, questions


def _parse_universes(codebook: dict, derived: dict[str, DerivedVariable], path: Path) -> tuple[dict, dict]:
    """`universe: DERIVED` on a variable (column or derived) asked only where DERIVED is 1, and
    the subgroup's French name (`universe_fr` on DERIVED)."""
    entries = {**codebook["variables"], **codebook["derived"]}
    universes = {name: str(entry["universe"]) for name, entry in entries.items()
                 if isinstance(entry, dict) and entry.get("universe")}
    labels = {}
    for name, universe in universes.items():
        entry = codebook["derived"].get(universe)
        if not isinstance(entry, dict) or not entry.get("universe_fr"):
            raise _spec_error(path, f"« {name} » : « universe: {universe} » doit nommer une variable dérivée qui a "
                              "un « universe_fr » (le nom du sous-groupe interrogé)")
        if universe == name:
            raise _spec_error(path, f"« {name} » ne peut pas être son propre univers")
        labels[universe] = str(entry["universe_fr"])
    return universes, labels


def _parse_derived(derived: dict, fields: dict[str, Field]) -> dict[str, DerivedVariable]:
    out = {}
    for name, entry in derived.items():
        if name in fields:
            raise _codebook_rule_error(name, "porte le nom d'une colonne du fichier")
        if not isinstance(entry, dict) or not entry.get("label_fr") or "rule" not in entry:
            raise _codebook_rule_error(name, "doit avoir « label_fr » et « rule »")
        _check_rule(entry["rule"], fields, name)
        out[name] = DerivedVariable(
            name=name,
            label_fr=str(entry["label_fr"]),
            description_fr=str(entry.get("description_fr", "")),
            rule=entry["rule"],
        )
    return out


def _codebook_rule_error(name: str, problem: str) -> UserError:
    return _spec_error(Path("codebook.yaml"), f"la variable dérivée « {name} » {problem}")


def _check_rule(rule: Any, fields: dict[str, Field], name: str) -> None:
    operators = [op for op in RULE_OPERATORS if isinstance(rule, dict) and op in rule]
    if len(operators) != 1:
        raise _codebook_rule_error(name, f"a une règle illisible : {rule!r} (opérateurs : {', '.join(RULE_OPERATORS)})")
    op = operators[0]
    if op == "variable":
        field = fields.get(rule["variable"])
        if field is None or not isinstance(rule.get("in"), list):
            raise _codebook_rule_error(name, f"cite une colonne inconnue ou sans liste « in » : {rule!r}")
        if field.enum is not None and not set(rule["in"]) <= set(field.enum):
            raise _codebook_rule_error(name, f"cite des valeurs hors du schéma : {rule['in']!r}")
    elif op == "not":
        _check_rule(rule["not"], fields, name)
    else:
        parts = rule.get("of") if op == "at_least" else rule[op]
        if not isinstance(parts, list) or not parts:
            raise _codebook_rule_error(name, f"attend une liste de règles : {rule!r}")
        if op == "at_least" and not (isinstance(rule["at_least"], int) and 1 <= rule["at_least"] <= len(parts)):
            raise _codebook_rule_error(name, f"a un seuil « at_least » invalide : {rule['at_least']!r}")
        for part in parts:
            _check_rule(part, fields, name)


def _parse_design(doc: dict, fields: dict[str, Field], path: Path) -> DesignDescription:
    moved = [f"{key} → {setting}" for key, setting in MOVED_TO_SETTINGS.items() if _has(doc, key)]
    if moved:
        raise _spec_error(path, "options de méthode à déplacer dans le bloc « settings » de observatoire.yaml "
                          f"({' ; '.join(moved)} ; voir docs/reglages.md)")
    try:
        variables = tuple(
            RakingVariable(name=str(v["name"]), columns=tuple(v["columns"]), file=str(v["file"]))
            for v in doc["raking"]["variables"]
        )
        settings = DesignDescription(
            weight=str(doc["weight"]),
            strata=doc.get("strata"),
            cluster=doc.get("cluster"),
            fpc=doc.get("fpc"),
            wave=str(doc["wave"]),
            raking=variables,
        )
    except (KeyError, TypeError, ValueError) as err:
        raise _spec_error(path, f"réglage absent ou invalide ({err})") from err
    named = [settings.weight, settings.wave, settings.strata, settings.cluster, settings.fpc]
    named += [c for v in variables for c in v.columns]
    unknown = sorted({c for c in named if c is not None and c not in fields})
    if unknown:
        raise _spec_error(path, f"colonnes inconnues du schéma : {unknown}")
    return settings


def _has(doc: dict, dotted: str) -> bool:
    value: Any = doc
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def _load_margins(variables: tuple[RakingVariable, ...], fields: dict[str, Field], margins_dir: Path) -> dict:
    margins = {}
    for variable in variables:
        path = margins_dir / variable.file
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as err:
            raise _spec_error(path, f"fichier de marges illisible ({err})") from err
        expected = [*variable.columns, "total"]
        if list(frame.columns) != expected:
            raise _spec_error(path, f"colonnes attendues {expected}, trouvées {list(frame.columns)}")
        totals = pd.to_numeric(frame["total"], errors="coerce")
        if totals.isna().any() or (totals < 0).any():
            raise _spec_error(path, "la colonne « total » doit contenir des nombres positifs")
        for column in variable.columns:
            enum = fields[column].enum
            outside = sorted(set(frame[column]) - {str(v) for v in enum}) if enum else []
            if outside:
                raise _spec_error(path, f"catégories hors du schéma pour « {column} » : {outside}")
        keys = (
            frame[variable.columns[0]]
            if len(variable.columns) == 1
            else pd.Series(list(frame[list(variable.columns)].itertuples(index=False, name=None)))
        )
        if keys.duplicated().any():
            raise _spec_error(path, "catégories en double")
        margins[variable.key] = dict(zip(keys, totals.astype(float)))
    grand_totals = {str(key): sum(m.values()) for key, m in margins.items()}
    if len(grand_totals) > 1 and np.ptp(list(grand_totals.values())) > 0.5:
        raise _spec_error(margins_dir, f"les marges n'ont pas le même total : {grand_totals}")
    return margins


# --- derived variables ----------------------------------------------------------------------


def derive(df: pd.DataFrame, spec: SurveySpec) -> pd.DataFrame:
    """Copy of `df` with one float column (1.0, 0.0 or NaN) per derived variable of the codebook."""
    out = df.copy()
    for name, variable in spec.derived.items():
        out[name] = _evaluate(variable.rule, df, spec)
    return out


def _evaluate(rule: dict, df: pd.DataFrame, spec: SurveySpec) -> np.ndarray:
    if "variable" in rule:
        return _membership(df, spec.field(rule["variable"]), rule["in"])
    if "not" in rule:
        return 1.0 - _evaluate(rule["not"], df, spec)
    if "any_of" in rule:
        return _at_least(1, [_evaluate(r, df, spec) for r in rule["any_of"]])
    if "all_of" in rule:
        return _at_least(len(rule["all_of"]), [_evaluate(r, df, spec) for r in rule["all_of"]])
    return _at_least(rule["at_least"], [_evaluate(r, df, spec) for r in rule["of"]])


def _membership(df: pd.DataFrame, field: Field, values: list) -> np.ndarray:
    """1.0 where the column takes one of `values`, 0.0 elsewhere, NaN where it is missing.

    Integer columns are compared as numbers so "1", 1 and 1.0 all match.
    """
    column = df[field.name]
    if field.type == "string":
        column = column.astype("string").str.strip().replace("", pd.NA)
        hits = column.isin([str(v) for v in values])
    else:
        column = pd.to_numeric(column, errors="coerce")
        hits = column.isin([float(v) for v in values])
    return np.where(column.isna().to_numpy(), np.nan, hits.to_numpy(dtype=float))


def _at_least(threshold: int, parts: list[np.ndarray]) -> np.ndarray:
    """Three-valued 'at least `threshold` of parts are 1': NaN only while the answer is open."""
    stacked = np.vstack(parts)
    ones = (stacked == 1).sum(axis=0)
    unknown = np.isnan(stacked).sum(axis=0)
    return np.where(ones >= threshold, 1.0, np.where(ones + unknown < threshold, 0.0, np.nan))

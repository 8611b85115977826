"""French labels for what the pages and files show: variables, answers, groups, breakdowns and the
columns of exported tables.

Everything comes from the codebook (the territory's survey description) and its geography, so a
relabelled answer or a renamed commune needs no code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from observatoire.formatting import ci_long, ci_short, fmt_number
from observatoire.geo import Geography
from observatoire.survey_spec import SurveySpec

OVERALL = "Ensemble"
# Breakdowns offered on the survey page, in menu order (domain_type -> French label).
BREAKDOWNS = {
    "overall": OVERALL,
    "commune": "Commune",
    "age_band": "Âge",
    "sex": "Sexe",
    "diploma": "Diplôme",
    "wave": "Vague d'enquête",
}


def group_labels(spec: SurveySpec, geography: Geography, domain_type: str) -> dict[str, str]:
    """Domain code (as text) -> French label for one breakdown; unknown codes show as themselves."""
    if domain_type == "commune":
        return geography.commune_names()
    if domain_type == "iris":
        return geography.iris_names()
    if domain_type == "overall":
        return {}
    return {str(code): label for code, label in spec.labels_fr.get(domain_type, {}).items()}


def population_note(spec: SurveySpec, variable: str, rows: pd.DataFrame | None = None) -> str:
    """Whom the shares of `variable` describe, in French; a question asked to a subgroup says so,
    with the subgroup's number of respondents (sum of `n_unweighted` over the groups of `rows`,
    one wave: the groups partition it)."""
    if variable not in spec.universes:
        return f"part pondérée des {spec.population_of(variable)}."
    n = "" if rows is None or rows.empty else f" ({fmt_number(int(rows['n_unweighted'].sum()))} répondants)"
    return (f"question posée seulement aux {spec.population_of(variable)}{n} : part pondérée dans ce "
            f"sous-groupe, pas parmi l'ensemble des {spec.population_fr}.")


def variable_label(spec: SurveySpec, variable: str) -> str:
    return spec.variable_labels_fr.get(variable, variable)


def level_label(spec: SurveySpec, variable: str, level: str) -> str:
    """French label of an answer; binary and derived variables read « Oui » for level 1."""
    values = {str(code): label for code, label in spec.labels_fr.get(variable, {}).items()}
    return values.get(str(level), "Oui" if variable in spec.derived else str(level))


def display_order(rows, domain_type: str, labels: dict[str, str]):
    """Estimate rows as charts and tables show them: communes and IRIS by value (highest first,
    withheld ones last, by name), waves by year, other groups in the codebook's order
    (`spec.labels_fr` lists answers in display order: diplomas, age bands, ordinal answers)."""
    if rows.empty:
        return rows
    if domain_type in ("commune", "iris"):
        value = rows["estimate"].where(rows["flag"] != "withheld")
        key = rows.assign(_value=value, _name=[labels.get(str(d), str(d)) for d in rows["domain"]])
        return rows.loc[key.sort_values(["_value", "_name"], ascending=[False, True], na_position="last").index].reset_index(drop=True)
    if domain_type == "wave":
        return rows.sort_values("domain", key=lambda s: s.astype(int), kind="stable").reset_index(drop=True)
    position = {code: i for i, code in enumerate(labels)}
    return rows.sort_values("domain", key=lambda s: s.astype(str).map(position).fillna(len(position)),
                            kind="stable").reset_index(drop=True)
@dataclass(frozen=True)
class Column:
    """How a column reads in a file made for people: its French header (unit included), what it
    means (the workbook's « Dictionnaire » sheet, beside its code), how its numbers show (`kind`:
    "share" = a share in 0..1 shown in % ; "number" = grouped thousands ; "plain" = a year or a
    code written as is ; "text"), and words for its coded values."""

    header: str
    meaning: str = ""
    kind: str = "text"
    decimals: int = 0
    decimals_from: str = ""  # a column holding each row's decimals (values in mixed units)
    words: Mapping[str, str] = field(default_factory=dict)


# Meaning of the estimate-table columns (open-data schema and the workbooks' « Dictionnaire »).
COLUMN_MEANINGS = {
    "estimate": "estimation pondérée (part entre 0 et 1 pour une proportion)",
    "se": "erreur type (linéarisation)",
    "ci_low": "borne basse de l'intervalle de confiance à 95 %",
    "ci_high": "borne haute de l'intervalle de confiance à 95 %",
    "ci_method": "méthode de l'intervalle (logit, wilson, …)",
    "cv": "coefficient de variation",
    "deff": "effet de plan",
    "n_unweighted": "nombre de répondants (non pondéré)",
    "weighted_n": "effectif pondéré",
    "flag": "fiabilité : ok (fiable), fragile (à interpréter avec prudence), withheld (donnée non diffusée : "
    "effectif trop faible, estimation et intervalle effacés)",
}
RELIABILITY_WORDS = {"ok": "fiable", "fragile": "à interpréter avec prudence", "withheld": "non diffusée"}


def ci_headers(level: float = 0.95, unit: str = " (%)") -> tuple[str, str]:
    """« IC à 95 % : bas (%) », « IC à 95 % : haut (%) »: the headers of an interval's bounds."""
    return f"{ci_short(level)} : bas{unit}", f"{ci_short(level)} : haut{unit}"


def estimate_columns(level: float = 0.95) -> dict[str, Column]:
    """The columns of an estimate table (`observatoire.stats.COLUMNS`, with `wave` and `name`), for
    intervals at `level` (the run's `ci_level`)."""
    low, high = ci_headers(level)
    return {
        "name": Column("Nom", "nom du groupe (commune, IRIS, tranche d'âge…)"),
        "domain": Column("Code", "code du groupe (code Insee de la commune, code IRIS, code de la modalité)"),
        "wave": Column("Vague d'enquête", "année de la vague d'enquête", "plain"),
        "estimate": Column("Part (%)", COLUMN_MEANINGS["estimate"], "share", 1),
        "se": Column("Erreur type (points de %)", COLUMN_MEANINGS["se"], "share", 2),
        "ci_low": Column(low, f"borne basse de l'{ci_long(level)}", "share", 1),
        "ci_high": Column(high, f"borne haute de l'{ci_long(level)}", "share", 1),
        "cv": Column("Coefficient de variation (%)", f"{COLUMN_MEANINGS['cv']} (erreur type / estimation)", "share", 1),
        "deff": Column("Effet de plan", f"{COLUMN_MEANINGS['deff']} (variance rapportée à celle d'un sondage "
                       "aléatoire simple de même taille)", "number", 2),
        "n_unweighted": Column("Répondants (n)", COLUMN_MEANINGS["n_unweighted"], "number"),
        "weighted_n": Column("Effectif pondéré", f"{COLUMN_MEANINGS['weighted_n']} (personnes que représentent les "
                             "répondants)", "number"),
        "flag": Column("Fiabilité", "fiable ; à interpréter avec prudence (peu de répondants ou estimation "
                       "imprécise) ; non diffusée (effectif trop faible : estimation et intervalle effacés)",
                       words=RELIABILITY_WORDS),
    }


# Headers of an area's name and code, by geographic level: (name, code, meaning of the code).
ZONE_HEADERS = {"commune": ("Commune", "Code commune", "code Insee de la commune"),
                "iris": ("IRIS", "Code IRIS", "code IRIS de l'Insee (quartier)")}

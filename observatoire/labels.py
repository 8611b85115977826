"""French labels for what the pages show: variables, answers, groups and breakdowns.

Everything comes from the codebook (the territory's survey description) and its geography, so a
relabelled answer or a renamed commune needs no code change.
"""

from __future__ import annotations

import pandas as pd

from observatoire.formatting import fmt_number
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

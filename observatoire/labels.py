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

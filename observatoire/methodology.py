"""Tables of the methodology page, generated from the settings, the survey description, the
margins, the weighting diagnostics and the progress method: no number is copied by hand."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from observatoire.formatting import fmt_number, fmt_percent
from observatoire.indicators import progress
from observatoire.labels import variable_label
from observatoire.settings import SETTINGS
from observatoire.stats.intervals import METHODS
from observatoire.survey_spec import SurveySpec


def ci_label(method: str) -> str:
    """The French name of an interval method, as the statistics engine declares it."""
    return METHODS[method].label_fr if method in METHODS else method


def fmt_setting(value: Any) -> str:
    """A setting's value in French: `0.3` -> `0,3`, `1e-10` -> `1e-10`, `None` -> `aucun`."""
    if value is None:
        return "aucun"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return fmt_number(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def settings_table(values: Mapping[str, Any]) -> pd.DataFrame:
    """Every declared setting with the value used for these results and its help text."""
    return pd.DataFrame(
        [{"Réglage": name, "Valeur": fmt_setting(values.get(name, s.default)), "Signification": s.help_fr} for name, s in SETTINGS.items()]
    ).set_index("Réglage")


def disclosure_rules(values: Mapping[str, Any]) -> str:
    """The reliability and disclosure rules in French, from the settings in force."""
    rules = [
        f"- Une estimation reposant sur moins de **{values['reliability_withhold_n']} répondants** n'est pas "
        "diffusée : elle est remplacée par « donnée non diffusée ».",
        f"- Elle est signalée « à interpréter avec prudence » sous **{values['reliability_fragile_n']} répondants** "
        f"ou quand son coefficient de variation dépasse **{fmt_percent(values['reliability_fragile_cv'], 0)}**.",
    ]
    if values["reliability_withhold_cv"] is not None:
        rules.append(f"- Elle n'est pas diffusée quand son coefficient de variation dépasse **{fmt_percent(values['reliability_withhold_cv'], 0)}**.")
    rules.append(
        f"- Intervalles de confiance à {fmt_percent(values['ci_level'], 0)} ; proportions : "
        f"{ci_label(values['ci_method_proportion'])}. Les variances tiennent compte de la stratification et du "
        "calage (linéarisation de Taylor sur les résidus du calage) ; chaque vague est un échantillon indépendant."
    )
    if values["boundary_interval"] == "exact":
        rules.append(
            "- Une part estimée à exactement 0 % ou 100 % reçoit l'intervalle exact de Clopper-Pearson calculé "
            "sur l'effectif efficace de Kish (méthode « clopper_pearson_kish ») : un 0 % n'est jamais présenté "
            "comme certain."
        )
    return "\n".join(rules)


def design_table(spec: SurveySpec) -> pd.DataFrame:
    design = spec.design
    rows = {
        "Poids de sondage": f"colonne « {design.weight} »",
        "Strates": f"colonne « {design.strata} »" if design.strata else "aucune",
        "Grappes (unités primaires)": f"colonne « {design.cluster} »" if design.cluster else "aucune : tirage individuel",
        "Correction de population finie": f"colonne « {design.fpc} »" if design.fpc else "aucune",
        "Vagues": f"colonne « {design.wave} » : chaque vague est un échantillon indépendant, pondéré et estimé séparément",
        "Calage": "raking (ajustement proportionnel itératif) sur les marges du tableau suivant, vague par vague",
        "Tolérance et itérations du calage": f"{fmt_setting(design.raking_epsilon)} ; au plus {fmt_number(design.raking_max_iterations)} itérations",
        "Écrêtage des poids": (
            f"entre {fmt_setting(design.trim_lower)} et {fmt_setting(design.trim_upper)} fois le poids moyen "
            "de la vague, suivi d'un nouveau calage"
        ),
        "Intervalles de confiance des proportions": f"{ci_label(design.ci_proportion)}, niveau {fmt_percent(design.ci_level, 0)}",
    }
    return pd.DataFrame({"Élément": list(rows), "Choix": list(rows.values())}).set_index("Élément")


def margins_table(spec: SurveySpec) -> pd.DataFrame:
    """One row per raking variable: columns, file, number of categories, grand total."""
    rows = []
    for variable in spec.design.raking:
        totals = spec.margins[variable.key]
        rows.append(
            {
                "Variable de calage": " × ".join(variable_label(spec, c) for c in variable.columns),
                "Fichier": f"survey/{variable.file}",
                "Catégories": fmt_number(len(totals)),
                "Population totale": fmt_number(sum(totals.values())),
            }
        )
    return pd.DataFrame(rows).set_index("Variable de calage")


def progress_thresholds() -> pd.DataFrame:
    """The progress categories and their thresholds, read from the progress module."""
    target, growth = progress.TARGET_THRESHOLDS, progress.GROWTH_THRESHOLDS
    rows = [
        ("target_achieved", "la valeur la plus récente atteint la cible", "–"),
        ("on_track", f"R ≥ {fmt_setting(target['high'])}", f"P ≥ {fmt_percent(growth['high'])} × C"),
        ("moderate", f"{fmt_setting(target['med'])} ≤ R < {fmt_setting(target['high'])}", f"{fmt_percent(growth['med'])} × C ≤ P < {fmt_percent(growth['high'])} × C"),
        ("insufficient", f"{fmt_setting(target['low'])} ≤ R < {fmt_setting(target['med'])}", f"0 ≤ P < {fmt_percent(growth['med'])} × C"),
        ("moving_away", f"R < {fmt_setting(target['low'])}", "P < 0"),
        ("not_available", "moins de deux valeurs, base manquante ou nulle… (raison indiquée)", "idem"),
    ]
    return pd.DataFrame(
        [{"Statut": progress.STATUS_LABELS_FR[code], "Avec cible (ratio R)": with_target, "Sans cible (rythme P)": without} for code, with_target, without in rows]
    ).set_index("Statut")


WEIGHTING_ROWS = {
    "n": ("Répondants", 0),
    "min": ("Poids minimal", 1),
    "max": ("Poids maximal", 1),
    "max_min_ratio": ("Rapport poids maximal / minimal", 1),
    "kish_deff": ("Effet de plan dû à la pondération (Kish, 1 + CV²)", 2),
    "effective_n": ("Taille d'échantillon efficace", 0),
    "raking_iterations": ("Itérations du calage (toutes vagues)", 0),
    "weights_trimmed": ("Poids écrêtés (toutes vagues)", 0),
}


def weighting_table(weighting: pd.DataFrame) -> pd.DataFrame:
    """Final-weight diagnostics, one column per wave (from `Results.weighting`)."""
    table = pd.DataFrame(
        {
            f"Vague {row['wave']}": [fmt_number(row[key], decimals) for key, (_, decimals) in WEIGHTING_ROWS.items()]
            + ["oui" if row["converged"] else "non"]
            for row in weighting.to_dict("records")
        },
        index=[label for label, _ in WEIGHTING_ROWS.values()] + ["Calage convergé"],
    )
    table.index.name = "Diagnostic"
    return table

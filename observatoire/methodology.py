"""What the methodology pages say, generated from the settings in force, the survey description,
the margins, the weighting diagnostics, the estimates actually computed and the progress method:
no number and no method name is copied by hand. The app's page, the public site and the
open-data `LISEZMOI.txt` all read these functions, so they say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from observatoire.formatting import fmt_level, fmt_number, fmt_percent
from observatoire.indicators import progress
from observatoire.labels import variable_label
from observatoire.settings import SETTINGS
from observatoire.stats.intervals import BOUNDARY_METHOD, METHODS
from observatoire.survey_spec import SurveySpec

BOUNDARY_LABEL = "exact de Clopper-Pearson sur l'effectif efficace de Kish"
SMALL_AREA_METHODS = {
    "AMRL": "REML ajusté de Li et Lahiri (AMRL)",
    "REML": "maximum de vraisemblance restreinte (REML)",
    "ML": "maximum de vraisemblance (ML)",
}
AMRL_MSE = {"prasad_rao": "Prasad et Rao", "li_lahiri": "Prasad et Rao moins la correction de Li et Lahiri"}
LONELY_PSU = {
    "fail": "non admise : le calcul s'arrête avec un message (comme R par défaut)",
    "adjust": "centrée sur le total moyen par unité primaire (comme le paquet R survey depuis sa version 4.3)",
    "average": "variance moyenne des autres strates",
    "remove": "sans contribution à la variance",
    "certainty": "traitée comme exhaustive",
}
LOGIT_FIT = {"weighted_mean": "centré sur la proportion pondérée",
             "r_glm": "ajusté comme le modèle linéaire généralisé de R (comparaison avec R)"}
BOUNDARY = {"exact": BOUNDARY_LABEL, "none": "aucun intervalle (comme R)"}


def ci_label(method: str) -> str:
    """The French name of an interval method, as the statistics engine declares it."""
    if method == BOUNDARY_METHOD:
        return BOUNDARY_LABEL
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


# A setting's value in words, where the value is a code (the others are numbers).
VALUE_WORDS = {
    "ci_method_proportion": lambda v: ci_label(v), "ci_method_mean": lambda v: ci_label(v),
    "logit_fit": LOGIT_FIT.get, "boundary_interval": BOUNDARY.get, "lonely_psu": LONELY_PSU.get,
    "small_area_method": SMALL_AREA_METHODS.get, "small_area_amrl_mse": AMRL_MSE.get,
}


def setting_value(name: str, value: Any) -> str:
    """A setting's value as published: words for a code, French digits for a number."""
    words = VALUE_WORDS.get(name)
    return (words(value) or str(value)) if words is not None and value is not None else fmt_setting(value)


def settings_table(values: Mapping[str, Any]) -> pd.DataFrame:
    """Every declared setting, by its published label, with the value used for these results in
    words (setting names and codes are for data stewards: docs/reglages.md)."""
    return pd.DataFrame(
        [{"Réglage": s.label_fr, "Valeur": setting_value(name, values.get(name, s.default))} for name, s in SETTINGS.items()]
    ).set_index("Réglage")


def boundary_rule(values: Mapping[str, Any], estimates: pd.DataFrame, codes: bool = False) -> str:
    """What the published shares of exactly 0 or 1 received, counted in `estimates`; `codes` adds
    the method codes of the open-data files (for their LISEZMOI.txt)."""
    shown = estimates[estimates["flag"] != "withheld"]
    edge = shown[shown["estimate"].isin([0.0, 1.0])]
    if edge.empty:
        return "Aucune part publiée ne vaut exactement 0 % ou 100 %."
    no_interval = edge["ci_low"].isna() | edge["ci_high"].isna()
    received = [(count, f"ont reçu l'intervalle {ci_label(method)}" + (f" (méthode « {method} »)" if codes else ""))
                for method, count in edge.loc[~no_interval, "ci_method"].value_counts().items()]
    if no_interval.any():
        setting = (f"boundary_interval = {values['boundary_interval']}" if codes
                   else "réglage : " + BOUNDARY[values["boundary_interval"]])
        received.append((int(no_interval.sum()), f"n'ont pas d'intervalle (bornes vides, {setting})"))
    head = f"{fmt_number(len(edge))} part(s) publiée(s) valent exactement 0 % ou 100 % : "
    if len(received) == 1:
        return head + f"toutes {received[0][1]}."
    return head + " ; ".join(f"{fmt_number(count)} {what}" for count, what in received) + "."


def interval_rules(values: Mapping[str, Any], estimates: pd.DataFrame, codes: bool = False) -> list[str]:
    """The interval method and level in force, and what the boundary shares received (`codes`:
    with the method codes of the open-data files)."""
    fit = f" ; {LOGIT_FIT[values['logit_fit']]}" if values["ci_method_proportion"] == "logit" else ""
    rules = [
        f"Intervalles de confiance à {fmt_level(values['ci_level'])} ; proportions : "
        f"{ci_label(values['ci_method_proportion'])}{fit} ; moyennes et totaux : {ci_label(values['ci_method_mean'])}. "
        "Les variances tiennent compte de la stratification et du calage (linéarisation de Taylor sur les "
        "résidus du calage) ; chaque vague est un échantillon indépendant.",
    ]
    if values["boundary_interval"] == "exact":
        code = f" (méthode « {BOUNDARY_METHOD} »)" if codes else ""
        rules.append("Une part estimée à exactement 0 % ou 100 % reçoit l'intervalle exact de Clopper-Pearson calculé "
                     f"sur l'effectif efficace de Kish{code} : un 0 % n'est jamais présenté comme certain.")
    else:
        rules.append("Une part estimée à exactement 0 % ou 100 % n'a pas d'intervalle (comme dans R) : ses bornes "
                     "sont laissées vides.")
    rules.append(boundary_rule(values, estimates, codes))
    return rules


def disclosure_rules(values: Mapping[str, Any], estimates: pd.DataFrame | None = None) -> list[str]:
    """The reliability and disclosure rules in force; with `estimates`, how many cells the
    secondary-disclosure rule withheld in them."""
    withhold_n = values["reliability_withhold_n"]
    rules = [
        f"Une estimation reposant sur moins de {fmt_number(withhold_n)} répondants n'est pas diffusée : elle est "
        "remplacée par « donnée non diffusée », sans chiffre (règle du secret statistique de l'Insee pour les "
        "données sur les personnes physiques).",
        f"Une estimation reposant sur moins de {fmt_number(values['reliability_fragile_n'])} répondants, ou dont le "
        f"coefficient de variation dépasse {fmt_percent(values['reliability_fragile_cv'], 0)}, est signalée "
        "« fragile » : à interpréter avec prudence.",
    ]
    if values["reliability_withhold_cv"] is not None:
        rules.append("Une estimation dont le coefficient de variation dépasse "
                     f"{fmt_percent(values['reliability_withhold_cv'], 0)} n'est pas diffusée.")
    secondary = ("Secret secondaire : quand une seule cellule d'une répartition (communes, âges, sexes, diplômes, "
                 f"IRIS d'une commune) n'est pas diffusée, ou que les cellules non diffusées réunissent moins de "
                 f"{fmt_number(withhold_n)} répondants, la plus petite cellule suivante n'est pas diffusée non plus : "
                 "sinon la donnée cachée se retrouverait par soustraction du total publié.")
    if estimates is not None:
        hidden = estimates[(estimates["flag"] == "withheld") & (estimates["n_unweighted"] >= withhold_n)]
        cause = " (ou pour un coefficient de variation trop élevé)" if values["reliability_withhold_cv"] is not None else ""
        secondary += (f" Dans ces résultats, {fmt_number(len(hidden))} cellule(s) d'au moins {fmt_number(withhold_n)} "
                      f"répondants ne sont pas diffusées à ce titre{cause}.")
    return [*rules, secondary]


def small_area_rules(values: Mapping[str, Any]) -> list[str]:
    """The small-area model's method options in force."""
    method = values["small_area_method"]
    mse = f" ; erreur quadratique moyenne : {AMRL_MSE[values['small_area_amrl_mse']]}" if method == "AMRL" else ""
    return [
        "Quartiers (IRIS) : estimation par modèle sur petits domaines (modèle de Fay-Herriot, sur l'échelle arc "
        "sinus), variance du modèle estimée par "
        f"{SMALL_AREA_METHODS[method]} (précision {fmt_setting(values['small_area_tolerance'])}){mse} ; "
        f"intervalles à {fmt_level(values['ci_level'])}.",
        f"Classement des quartiers : un IRIS de moins de {fmt_number(values['ranking_min_population'])} habitants "
        "de 15 ans ou plus (zone d'activité, parc…) est listé à part, sans rang.",
        f"Lieux de médiation numérique : un IRIS dont le centre est à plus de {fmt_number(values['support_distance_m'])} "
        "mètres (à vol d'oiseau) du lieu le plus proche compte comme éloigné.",
    ]


def _trimming(values: Mapping[str, Any]) -> str:
    lower, upper = values["trimming_lower"], values["trimming_upper"]
    if lower is None and upper is None:
        return "aucun"
    bounds = (f"entre {fmt_setting(lower)} et {fmt_setting(upper)} fois" if lower is not None and upper is not None
              else f"au moins {fmt_setting(lower)} fois" if lower is not None else f"au plus {fmt_setting(upper)} fois")
    return f"{bounds} le poids moyen de la vague, suivi d'un nouveau calage"


def design_table(spec: SurveySpec, values: Mapping[str, Any]) -> pd.DataFrame:
    """The design (survey/design.yaml) and the weighting and interval options in force."""
    design = spec.design
    rows = {
        "Poids de sondage": f"colonne « {design.weight} »",
        "Strates": f"colonne « {design.strata} »" if design.strata else "aucune",
        "Grappes (unités primaires)": f"colonne « {design.cluster} »" if design.cluster else "aucune : tirage individuel",
        "Correction de population finie": f"colonne « {design.fpc} »" if design.fpc else "aucune",
        "Vagues": f"colonne « {design.wave} » : chaque vague est un échantillon indépendant, pondéré et estimé séparément",
        "Calage": "ajustement proportionnel itératif sur les marges du tableau suivant, vague par vague",
        "Tolérance et itérations du calage": (f"{fmt_setting(values['raking_epsilon'])} ; au plus "
                                              f"{fmt_number(values['raking_max_iterations'])} itérations"),
        "Écrêtage des poids": _trimming(values),
        "Strate à une seule unité primaire": LONELY_PSU[values["lonely_psu"]],
        "Intervalles de confiance des proportions": f"{ci_label(values['ci_method_proportion'])}, niveau {fmt_level(values['ci_level'])}",
    }
    return pd.DataFrame({"Élément": list(rows), "Choix": list(rows.values())}).set_index("Élément")


def margins_table(spec: SurveySpec) -> pd.DataFrame:
    """One row per raking variable: its categories and grand total (the files are named in
    docs/, for data stewards)."""
    rows = []
    for variable in spec.design.raking:
        totals = spec.margins[variable.key]
        rows.append(
            {
                "Variable de calage": " × ".join(variable_label(spec, c) for c in variable.columns),
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

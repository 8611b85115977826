"""Settings declared as data: name, default, allowed values and French help text.

Every tunable rule of the observatory lives here once, so the methodology page can list them
with their help and a test can check that each one is documented. Other modules may append
their own `Setting`s to `SETTINGS`.

Reliability defaults follow the issue (withhold n < 11, fragile n < 30 or CV > 30 %). They are
anchored in ../shared/facts/README.md §6: n < 11 is Insee's rule for data on natural persons
(secret statistique, loi n° 51-711); the "prudence" band for 11 ≤ n < 30 mirrors EU-SILC
(< 20 not published, 20–49 flagged). §6 also proposes a stricter CV rule (CV > 15 % fragile,
CV > 30 % withheld); we keep CV > 30 % as *fragile* only, because withholding on CV would hide
most commune-level shares below 10 % (their CV is large by construction) while they are still
informative with their interval shown. Set `reliability_fragile_cv = 0.15` and
`reliability_withhold_cv = 0.30` to apply §6 literally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from observatoire.errors import UserError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help_fr: str
    choices: tuple[Any, ...] | None = None


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "reliability_withhold_n",
            11,
            "Effectif non pondéré en dessous duquel une estimation n'est pas diffusée "
            "(« donnée non diffusée »). 11 = règle Insee du secret statistique pour les données "
            "sur les personnes physiques (facts §6).",
        ),
        Setting(
            "reliability_fragile_n",
            30,
            "Effectif non pondéré en dessous duquel une estimation diffusée est signalée "
            "« à interpréter avec prudence » (facts §6 ; EU-SILC signale les cellules de 20 à 49).",
        ),
        Setting(
            "reliability_fragile_cv",
            0.30,
            "Coefficient de variation (écart-type / estimation) au-dessus duquel une estimation "
            "est signalée « à interpréter avec prudence ». facts §6 propose 0,15 ; 0,30 par défaut.",
        ),
        Setting(
            "reliability_withhold_cv",
            None,
            "Coefficient de variation au-dessus duquel une estimation n'est pas diffusée ; vide = "
            "pas de suppression sur le CV (facts §6 propose 0,30 avec un seuil de prudence à 0,15).",
        ),
        Setting(
            "ci_level",
            0.95,
            "Niveau des intervalles de confiance (0,95 = 95 %).",
        ),
        Setting(
            "ci_method_proportion",
            "logit",
            "Méthode d'intervalle par défaut pour les proportions : logit (comme svyciprop de R), "
            "beta (Korn-Graubard), wilson (effectif efficace), wald (loi normale), wald_t (loi de "
            "Student aux degrés de liberté du plan).",
            ("logit", "beta", "wilson", "wald", "wald_t"),
        ),
        Setting(
            "logit_fit",
            "weighted_mean",
            "Intervalle logit des proportions : weighted_mean = centré sur la proportion pondérée "
            "(formule de svyciprop) ; r_glm = reproduit aussi l'ajustement glm itératif de R, y "
            "compris ses défauts (sur un plan calé, un petit domaine peut faire diverger glm et "
            "donner une proportion nulle) — réservé à la comparaison avec R (cas de référence).",
            ("weighted_mean", "r_glm"),
        ),
        Setting(
            "boundary_interval",
            "exact",
            "Proportion estimée à exactement 0 % ou 100 % (logit et beta n'ont alors pas "
            "d'intervalle, comme dans R) : exact = intervalle de Clopper-Pearson avec l'effectif "
            "efficace de Kish, nommé clopper_pearson_kish sur la ligne (un 0 % publié ne doit pas "
            "paraître certain) ; none = pas d'intervalle (comparaison avec R).",
            ("exact", "none"),
        ),
        Setting(
            "ci_method_mean",
            "wald_t",
            "Méthode d'intervalle par défaut pour les moyennes, totaux et ratios : wald_t (Student "
            "aux degrés de liberté du plan, comme confint(..., df = degf(plan)) dans R) ou wald.",
            ("wald_t", "wald"),
        ),
        Setting(
            "lonely_psu",
            "fail",
            "Strate ne contenant qu'une seule unité primaire tirée (« lonely PSU »), comme "
            "options(survey.lonely.psu) du paquet R survey 4.5 : fail = erreur (défaut de R) ; "
            "adjust = la strate apporte l'écart entre le total de son unité et le total moyen "
            "par unité primaire de tout l'échantillon (R ≥ 4.3 ; survey 4.1.1 prenait l'écart à "
            "zéro) ; average = la strate reçoit la variance moyenne des autres strates ; "
            "remove / certainty = la strate ne contribue pas à la variance. Une strate dont la "
            "colonne fpc indique une population d'une seule unité est exhaustive : sans variance, "
            "quel que soit ce réglage.",
            ("fail", "adjust", "average", "remove", "certainty"),
        ),
        Setting(
            "small_area_tolerance",
            1e-10,
            "Modèle de Fay–Herriot (petits domaines) : précision relative visée pour la variance "
            "du modèle σ²_u. Le REML ajusté (AMRL, Li et Lahiri 2010) la cherche par la méthode "
            "de Brent sur la dérivée de sa vraisemblance ; REML et ML s'arrêtent, comme R sae, "
            "quand σ²_u change de moins de cette fraction (1e-4 = valeur par défaut de sae, "
            "dont on retrouve alors les itérations). Les estimations publiées ne dépendent pas "
            "de ce réglage au-delà de cette précision.",
        ),
        Setting(
            "small_area_amrl_mse",
            "prasad_rao",
            "Erreur quadratique moyenne (EQM) des estimations par IRIS avec le REML ajusté (AMRL) : "
            "prasad_rao = g1 + g2 + 2 g3 (Prasad et Rao), li_lahiri = la même moins la correction "
            "du biais de σ²_u de Li et Lahiri (2010), comme le paquet R emdi. Quand σ²_u est "
            "petite devant les variances d'échantillonnage (une vingtaine de répondants par IRIS), "
            "cette correction retire environ un cinquième de l'EQM et les intervalles à 95 % couvrent "
            "trop peu (étude benchmarks/small_area_study.py) ; une EQM li_lahiri négative ou nulle "
            "est remplacée par celle de Prasad et Rao.",
            ("prasad_rao", "li_lahiri"),
        ),
        Setting(
            "raking_epsilon",
            1e-10,
            "Tolérance de convergence du calage : écart relatif maximal |total calé − marge| / "
            "(1 + marge) accepté pour chaque catégorie.",
        ),
        Setting(
            "raking_max_iterations",
            200,
            "Nombre maximal d'itérations du calage (au-delà : erreur « calage non convergent »).",
        ),
        Setting(
            "ranking_min_population",
            200,
            "Population de 15 ans ou plus en dessous de laquelle un quartier (IRIS) n'est pas classé : "
            "zones d'activité, parcs, où une poignée d'habitants rend la part sans portée pour choisir "
            "un lieu d'accueil. Ces IRIS restent listés à part, avec la raison.",
        ),
        Setting(
            "support_distance_m",
            1000,
            "Distance (en mètres, à vol d'oiseau depuis le centre de l'IRIS) au-delà de laquelle un "
            "quartier est compté comme éloigné du lieu de médiation numérique le plus proche.",
        ),
    )
}


def resolve(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults updated with `overrides`; unknown names or values outside `choices` are refused."""
    values = {name: s.default for name, s in SETTINGS.items()}
    for name, value in (overrides or {}).items():
        setting = SETTINGS.get(name)
        if setting is None:
            raise UserError(f"Réglage inconnu : « {name} ».", f"Réglages connus : {', '.join(SETTINGS)}.")
        if setting.choices is not None and value not in setting.choices:
            raise UserError(
                f"Valeur « {value} » non permise pour le réglage « {name} ».",
                f"Valeurs possibles : {', '.join(map(str, setting.choices))}.",
            )
        values[name] = value
    return values

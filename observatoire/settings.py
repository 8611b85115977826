"""Settings declared as data: name, default, allowed values and French help text.

Every method option of the observatory (interval method and level, raking tolerance and
iterations, trimming bounds, reliability thresholds, lonely PSUs, small-area method and
tolerance) is declared here once; the only way to change one is the territory's `settings` block
(observatoire.yaml), merged by `pipeline.run` into `Results.settings`, which every computation
and every published description reads. `survey/design.yaml` holds the design (weights, strata,
clusters, fpc, waves, raking variables and their margins), never an option declared here.
`docs/reglages.md` is generated from this table (`python -m observatoire.settings`); a test
checks it is up to date and that the methodology pages list every setting.

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

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from observatoire.errors import UserError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help_fr: str
    choices: tuple[Any, ...] | None = None
    # Values allowed besides `choices`: a predicate and its French description.
    valid: Callable[[Any], bool] | None = None
    expects_fr: str = ""
    label_fr: str = ""  # what the published methodology calls it (never the name, a code)


def _number(low: float, high: float, *, closed: bool = False, optional: bool = False) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if value is None:
            return optional
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return low <= value <= high if closed else low < value < high
    return check


def _count(minimum: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and value >= minimum


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "reliability_withhold_n",
            11,
            "Effectif non pondéré en dessous duquel une estimation n'est pas diffusée "
            "(« donnée non diffusée »). 11 = règle Insee du secret statistique pour les données "
            "sur les personnes physiques (facts §6). Une cellule qui permettrait de retrouver par "
            "soustraction une donnée non diffusée l'est aussi (secret secondaire).",
            valid=_count(1), expects_fr="un entier au moins égal à 1",
            label_fr="Nombre de répondants en dessous duquel un chiffre n'est pas diffusé",
        ),
        Setting(
            "reliability_fragile_n",
            30,
            "Effectif non pondéré en dessous duquel une estimation diffusée est signalée "
            "« à interpréter avec prudence » (facts §6 ; EU-SILC signale les cellules de 20 à 49).",
            valid=_count(1), expects_fr="un entier au moins égal à 1",
            label_fr="Nombre de répondants en dessous duquel un chiffre est signalé fragile",
        ),
        Setting(
            "reliability_fragile_cv",
            0.30,
            "Coefficient de variation (écart-type / estimation) au-dessus duquel une estimation "
            "est signalée « à interpréter avec prudence ». facts §6 propose 0,15 ; 0,30 par défaut.",
            valid=_number(0, float("inf")), expects_fr="un nombre positif (0,30 = 30 %)",
            label_fr="Coefficient de variation au-delà duquel un chiffre est signalé fragile",
        ),
        Setting(
            "reliability_withhold_cv",
            None,
            "Coefficient de variation au-dessus duquel une estimation n'est pas diffusée ; vide = "
            "pas de suppression sur le CV (facts §6 propose 0,30 avec un seuil de prudence à 0,15).",
            valid=_number(0, float("inf"), optional=True), expects_fr="un nombre positif, ou vide",
            label_fr="Coefficient de variation au-delà duquel un chiffre n'est pas diffusé",
        ),
        Setting(
            "ci_level",
            0.95,
            "Niveau des intervalles de confiance des estimations de l'enquête et des petits domaines "
            "(0,95 = 95 %). Les intervalles de prédiction des projections et de rang restent à 95 %.",
            valid=_number(0, 1), expects_fr="un nombre strictement entre 0 et 1 (0,95 = 95 %)",
            label_fr="Niveau des intervalles de confiance",
        ),
        Setting(
            "ci_method_proportion",
            "logit",
            "Méthode d'intervalle par défaut pour les proportions : logit (comme svyciprop de R), "
            "beta (Korn-Graubard), wilson (effectif efficace), wald (loi normale), wald_t (loi de "
            "Student aux degrés de liberté du plan).",
            ("logit", "beta", "wilson", "wald", "wald_t"),
            label_fr="Méthode des intervalles de confiance des parts",
        ),
        Setting(
            "logit_fit",
            "weighted_mean",
            "Intervalle logit des proportions : weighted_mean = centré sur la proportion pondérée "
            "(formule de svyciprop) ; r_glm = reproduit aussi l'ajustement glm itératif de R, y "
            "compris ses défauts (sur un plan calé, un petit domaine peut faire diverger glm et "
            "donner une proportion nulle) — réservé à la comparaison avec R (cas de référence).",
            ("weighted_mean", "r_glm"),
            label_fr="Centre de l'intervalle des parts sur l'échelle logit",
        ),
        Setting(
            "boundary_interval",
            "exact",
            "Proportion estimée à exactement 0 % ou 100 % (logit et beta n'ont alors pas "
            "d'intervalle, comme dans R) : exact = intervalle de Clopper-Pearson avec l'effectif "
            "efficace de Kish, nommé clopper_pearson_kish sur la ligne (un 0 % publié ne doit pas "
            "paraître certain) ; none = pas d'intervalle (comparaison avec R).",
            ("exact", "none"),
            label_fr="Intervalle d'une part estimée à 0 % ou 100 %",
        ),
        Setting(
            "ci_method_mean",
            "wald_t",
            "Méthode d'intervalle par défaut pour les moyennes, totaux et ratios : wald_t (Student "
            "aux degrés de liberté du plan, comme confint(..., df = degf(plan)) dans R) ou wald.",
            ("wald_t", "wald"),
            label_fr="Méthode des intervalles de confiance des moyennes et totaux",
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
            label_fr="Strate ne contenant qu'une seule unité primaire",
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
            valid=_number(0, 1), expects_fr="un nombre strictement entre 0 et 1 (ex. 1e-10)",
            label_fr="Précision du calcul du modèle par quartier",
        ),
        Setting(
            "small_area_method",
            "AMRL",
            "Estimation de la variance du modèle de Fay–Herriot (petits domaines, IRIS) : AMRL = REML "
            "ajusté de Li et Lahiri (2010), jamais nul, par défaut (avec une vingtaine de répondants par "
            "IRIS, le REML sort souvent trop bas et ses intervalles couvrent 91 % au lieu de 95 %, "
            "étude benchmarks/small_area_study.py) ; REML = maximum de vraisemblance restreinte, comme "
            "R sae ; ML = maximum de vraisemblance.",
            ("AMRL", "REML", "ML"),
            label_fr="Estimation de la variance du modèle par quartier",
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
            label_fr="Erreur des estimations par quartier",
        ),
        Setting(
            "raking_epsilon",
            1e-10,
            "Tolérance de convergence du calage : écart relatif maximal |total calé − marge| / "
            "(1 + marge) accepté pour chaque catégorie.",
            valid=_number(0, 1), expects_fr="un nombre strictement entre 0 et 1 (ex. 1e-10)",
            label_fr="Tolérance du calage",
        ),
        Setting(
            "raking_max_iterations",
            200,
            "Nombre maximal d'itérations du calage (au-delà : erreur « calage non convergent »).",
            valid=_count(1), expects_fr="un entier au moins égal à 1",
            label_fr="Nombre maximal d'itérations du calage",
        ),
        # Trimming bounds are a method setting, not part of the design: like R's trimWeights()
        # arguments they tune the bias-variance trade-off of the weights, while design.yaml says
        # how the sample was drawn (and is the same whatever the analyst's choices).
        Setting(
            "trimming_lower",
            0.3,
            "Écrêtage des poids calés : borne basse, en multiple du poids moyen de la vague ; les poids "
            "plus petits sont relevés à cette borne, puis un nouveau calage rétablit les marges. Lâche "
            "à dessein : avec un minimum de répondants par commune, les petites communes ont des poids "
            "légitimement très inférieurs à la moyenne. Vide = pas de borne basse.",
            valid=_number(0, 1, optional=True), expects_fr="un nombre strictement entre 0 et 1, ou vide",
            label_fr="Écrêtage des poids : borne basse (en multiple du poids moyen)",
        ),
        Setting(
            "trimming_upper",
            3.0,
            "Écrêtage des poids calés : borne haute, en multiple du poids moyen de la vague. Les rares "
            "poids très élevés gonflent la variance (effet de plan dû à la pondération 1 + CV²) ; au-delà "
            "d'environ 3 fois la moyenne, c'est le signal d'alerte usuel, tout en laissant le calage "
            "corriger les non-réponses attendues (rapports de calage jusqu'à 2,5 environ). Vide = pas "
            "de borne haute ; les deux bornes vides = pas d'écrêtage.",
            valid=lambda value: value is None or (_number(1, float("inf"))(value)),
            expects_fr="un nombre strictement supérieur à 1, ou vide",
            label_fr="Écrêtage des poids : borne haute (en multiple du poids moyen)",
        ),
        Setting(
            "ranking_min_population",
            200,
            "Population de 15 ans ou plus en dessous de laquelle un quartier (IRIS) n'est pas classé : "
            "zones d'activité, parcs, où une poignée d'habitants rend la part sans portée pour choisir "
            "un lieu d'accueil. Ces IRIS restent listés à part, avec la raison.",
            label_fr="Habitants de 15 ans ou plus en dessous desquels un quartier n'est pas classé",
        ),
        Setting(
            "support_distance_m",
            1000,
            "Distance (en mètres, à vol d'oiseau depuis le centre de l'IRIS) au-delà de laquelle un "
            "quartier est compté comme éloigné du lieu de médiation numérique le plus proche.",
            label_fr="Distance au lieu de médiation numérique au-delà de laquelle un quartier est éloigné (mètres)",
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
        if isinstance(value, str) and setting.valid is not None:
            value = _parsed_number(value)  # YAML 1.1 reads `1e-10` as text
        if setting.choices is not None and value not in setting.choices:
            raise UserError(
                f"Valeur « {value} » non permise pour le réglage « {name} ».",
                f"Valeurs possibles : {', '.join(map(str, setting.choices))}.",
            )
        if setting.valid is not None and not setting.valid(value):
            raise UserError(
                f"Valeur « {value} » non permise pour le réglage « {name} ».",
                f"Attendu : {setting.expects_fr}.",
            )
        values[name] = value
    return values


def _parsed_number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _markdown_value(value: Any) -> str:
    return "vide" if value is None else f"`{value}`"


def reference_markdown() -> str:
    """docs/reglages.md: every setting, its default, its allowed values and its help."""
    lines = [
        "# Réglages de méthode",
        "",
        "<!-- Généré par `python -m observatoire.settings > docs/reglages.md` : ne pas modifier à la main. -->",
        "",
        "Chaque option de méthode de l'observatoire est déclarée une seule fois "
        "(`observatoire/settings.py`). Pour en changer une, ajoutez-la au bloc `settings` du fichier "
        "`observatoire.yaml` du territoire, par exemple :",
        "",
        "```yaml",
        "settings:",
        "  ci_level: 0.9",
        "  reliability_withhold_n: 30",
        "```",
        "",
        "Les valeurs utilisées sont publiées avec les résultats (page Méthodologie de l'application et du "
        "site, `LISEZMOI.txt` des données ouvertes). `survey/design.yaml` ne décrit que le plan de "
        "sondage (poids, strates, grappes, correction de population finie, vagues, variables et "
        "fichiers de calage).",
        "",
    ]
    for setting in SETTINGS.values():
        allowed = (", ".join(_markdown_value(c) for c in setting.choices) if setting.choices is not None
                   else setting.expects_fr or "toute valeur")
        lines += [f"## `{setting.name}`", "", f"- Libellé publié (page Méthodologie) : {setting.label_fr}",
                  f"- Valeur par défaut : {_markdown_value(setting.default)}",
                  f"- Valeurs permises : {allowed}", "", setting.help_fr, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(reference_markdown())

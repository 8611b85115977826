"""French words for the targeting list: criteria, methods, flags, tiers, column headers, and the
sentences that explain a rank and an estimate. Shared by the app, the CLI, the exports and the site,
so that each code is worded once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from observatoire.fragility import COMPONENTS
from observatoire.formatting import fmt_interval, fmt_number, fmt_percent

CRITERIA = {
    "count": "Nombre de personnes en difficulté",
    "share": "Part de personnes en difficulté",
    "index": "Indice de fragilité numérique",
}
CRITERIA_PHRASES = {
    "count": "nombre estimé de personnes en difficulté (part estimée × habitants de 15 ans ou plus)",
    "share": "part estimée de personnes en difficulté",
    "index": "indice de fragilité numérique",
}
METHODS = {
    "eblup": "modèle : répondants de la zone et zones semblables",
    "synthetic": "modèle seul : aucun répondant dans la zone",
}
RELIABILITY = {"ok": "fiable", "fragile": "à interpréter avec prudence"}
TIERS = {1: "priorité 1", 2: "priorité 2", 3: "priorité 3"}


def flag_label(code: str, settings: Mapping[str, Any]) -> str:
    return {
        "small_population": f"non classé : moins de {fmt_number(settings['ranking_min_population'])} habitants "
                            "de 15 ans ou plus",
        "synthetic": "aucun répondant (modèle seul)",
        "small_n": f"petit échantillon (moins de {settings['reliability_fragile_n']} répondants)",
        "same_answer": "réponses toutes identiques",
        "smoothed": "variance lissée",
        "outlier": "écart atypique au modèle",
    }[code]


def flags_text(flags, settings: Mapping[str, Any]) -> str:
    return " ; ".join(flag_label(code, settings) for code in flags) or "aucun"


def tier_rule(k: int) -> str:
    """The tier rule in French, for the page, the CLI and the exports."""
    return (
        f"Priorité 1 : plus d'une chance sur deux d'être parmi les {k} premiers. "
        f"Priorité 2 : moins d'une chance sur deux, mais l'intervalle de rang atteint la {_ordinal(k)} place : "
        "ces quartiers ne se distinguent pas nettement de ceux de priorité 1. "
        f"Priorité 3 : tout l'intervalle de rang est au-delà de la {_ordinal(k)} place."
    )


def _ordinal(rank: int, feminine: bool = True) -> str:
    """« 1re place », « 1er rang », « 6e »."""
    return (f"{rank}re" if feminine else f"{rank}er") if rank == 1 else f"{rank}e"


def chance_text(probability: float) -> str:
    """A probability as a rounded percentage that never reads as certainty: « > 99 % », « < 1 % »."""
    if probability > 0.995:
        return "> 99 %"
    if 0 < probability < 0.005:
        return "< 1 %"
    return fmt_percent(probability, 0)


def rank_interval_sentence(row: Mapping[str, Any] | None) -> str:
    """How to read a rank interval, with a row of the list as the example."""
    general = ("L'intervalle de rang dit entre quelles places un quartier se situe avec 95 % de probabilité, "
               "compte tenu de l'incertitude des estimations")
    if row is None:
        return general + "."
    return (f"{general} : « {row['rank']} (de {row['rank_low']} à {row['rank_high']}) » veut dire que ce quartier, "
            f"classé {_ordinal(int(row['rank']), False)}, pourrait en réalité être entre la {_ordinal(int(row['rank_low']))} "
            f"et la {_ordinal(int(row['rank_high']))} place.")


def _rounded_weight(gamma: float, step: float) -> str:
    return fmt_percent(round(gamma / step) * step, 0)


def why_sentences(row: Mapping[str, Any], settings: Mapping[str, Any], zone: str = "quartier",
                  zones: str = "quartiers") -> list[str]:
    """Plain French: where the estimate comes from and why it differs from the direct one.

    Below the publication threshold the direct value is never given, and the weight is rounded
    to 10 points so that it cannot be combined with the estimate to give the direct value back.
    """
    n, gamma = int(row["n_unweighted"]), float(row["gamma"])
    estimate = f"{fmt_percent(row['estimate'])} {fmt_interval(row['ci_low'], row['ci_high'])}"
    if n == 0:
        return [f"Aucun habitant de ce {zone} n'a répondu à l'enquête : la part estimée, {estimate}, vient "
                f"entièrement du modèle, c'est-à-dire de ce qu'on observe dans les {zones} semblables (âge, "
                "diplôme, pauvreté, couverture numérique)."]
    if n < settings["reliability_withhold_n"]:
        return [f"{n} habitant(s) de ce {zone} ont répondu : trop peu pour publier leur estimation directe "
                f"(secret statistique en dessous de {settings['reliability_withhold_n']} répondants). Le modèle ne "
                f"leur donne qu'un poids d'environ {_rounded_weight(gamma, 0.1)} et s'appuie pour le reste sur les "
                f"{zones} semblables : part estimée {estimate}."]
    sentences = [
        f"{n} habitants ont répondu ; leur estimation directe est {fmt_percent(row['direct'])}. Le modèle lui donne "
        f"un poids d'environ {_rounded_weight(gamma, 0.05)} et en donne {_rounded_weight(1 - gamma, 0.05)} à la "
        f"prédiction tirée des {zones} semblables ({fmt_percent(row['synthetic_share'])}) : part estimée {estimate}."
    ]
    gap = abs(float(row["direct"]) - float(row["estimate"]))
    if gap >= 0.03:
        few = "peu de répondants" if n < settings["reliability_fragile_n"] else "un échantillon encore modeste"
        sentences.append(
            f"L'écart de {fmt_number(gap * 100, 1)} points vient de là : avec {few}, l'estimation directe varie "
            f"beaucoup d'un échantillon à l'autre, et le modèle la rapproche de ce qu'on observe dans les "
            f"{zones} semblables.")
    return sentences


def rank_sentence(row: Mapping[str, Any], total: int, k: int, by: str) -> str:
    return (f"Classement par {CRITERIA_PHRASES[by]} : {_ordinal(int(row['rank']), False)} sur {total} ; avec 95 % de "
            f"probabilité entre la {_ordinal(int(row['rank_low']))} et la {_ordinal(int(row['rank_high']))} place ; "
            f"{chance_text(row['p_top_k'])} de chances d'être parmi les {k} premiers : {TIERS[int(row['tier'])]}.")


def component_rows(row: Mapping[str, Any]) -> list[dict[str, str]]:
    """The fragility index's components of one area: value and decile, in French."""
    return [
        {"Composante": c.label_fr, "Valeur": fmt_percent(row[c.column]),
         "Décile (1 à 10)": str(int(row[f"{c.column}_decile"])), "Source": c.source_fr}
        for c in COMPONENTS
    ]


def distance_text(metres: float | None) -> str:
    if metres is None or metres != metres:
        return "–"
    return f"{fmt_number(metres / 1000, 1)} km" if metres >= 1000 else f"{fmt_number(round(metres, -1))} m"

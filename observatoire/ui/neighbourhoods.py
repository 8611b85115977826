"""The Quartiers page's tables and map texts, as read by people (pure: no Streamlit).

A direct estimate withheld by the ranking (too few respondents) reads « donnée non diffusée »,
never a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from observatoire.areas import labels
from observatoire.formatting import WITHHELD, ci_short, fmt_interval, fmt_number, fmt_percent
from observatoire.geo import Geography

SORTS = labels.CRITERIA


def _direct(row) -> str:
    if row["n_unweighted"] == 0:
        return "aucun répondant"
    return WITHHELD if pd.isna(row["direct"]) else fmt_percent(row["direct"])


def _names(ranked: pd.DataFrame, geography: Geography) -> tuple[pd.Series, pd.Series]:
    iris = dict(zip(geography.iris["code"], geography.iris["name"]))
    communes = geography.commune_names()
    return ranked["domain"].map(iris).fillna(ranked["domain"]), ranked["commune"].map(communes).fillna("")


def display_ranking(ranked: pd.DataFrame, geography: Geography, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The ranked areas of `areas.ranking.rank_areas` (unranked ones dropped) -> French columns."""
    shown = ranked.dropna(subset=["rank"])
    k = ranked.attrs.get("k", 20)
    names, communes = _names(shown, geography)
    rows = {
        "Rang": [int(r) for r in shown["rank"]],
        "Priorité": [labels.TIERS[int(t)] for t in shown["tier"]],
        "Intervalle de rang à 95 %": [f"{int(a)} à {int(b)}" for a, b in zip(shown["rank_low"], shown["rank_high"])],
        f"Chances d'être parmi les {k} premiers": [labels.chance_text(p) for p in shown["p_top_k"]],
        "IRIS": list(names),
        "Commune": list(communes),
        "Personnes en difficulté": [fmt_number(round(c, -1)) for c in shown["count"]],
        f"Part estimée et {ci_short(settings['ci_level'])}": [f"{fmt_percent(e)} {fmt_interval(lo, hi)}"
                                      for e, lo, hi in zip(shown["estimate"], shown["ci_low"], shown["ci_high"])],
        "Répondants (n)": [fmt_number(n) for n in shown["n_unweighted"]],
        "Estimation directe": [_direct(row) for row in shown.to_dict("records")],
        "Indice de fragilité (1 à 10)": [fmt_number(v, 1) for v in shown["fragility_index"]],
    }
    if "support_distance_m" in shown:
        rows["Lieu de médiation le plus proche"] = [labels.distance_text(d) for d in shown["support_distance_m"]]
    rows["Signalements"] = [labels.flags_text(f, settings) for f in shown["flags"]]
    return pd.DataFrame(rows, index=shown["domain"].to_numpy())


def display_unranked(ranked: pd.DataFrame, geography: Geography, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The areas left out of the ranking, with the reason."""
    left = ranked[ranked["rank"].isna()]
    names, communes = _names(left, geography)
    return pd.DataFrame({
        "IRIS": list(names), "Commune": list(communes),
        "Habitants de 15 ans ou plus": [fmt_number(p) for p in left["population_15plus"]],
        "Raison": [labels.flag_label("small_population", settings)] * len(left),
    })


def map_figures(ranked: pd.DataFrame, geography: Geography) -> pd.DataFrame:
    """One row per IRIS of the geography (those outside the selection: « hors sélection ») with
    the texts `viz.maps.priority_map` shows."""
    names = dict(zip(geography.iris["code"], geography.iris["name"]))
    rows = ranked.set_index("domain")
    codes = list(geography.iris["code"])
    table = pd.DataFrame({"code": codes, "name": [names[c] for c in codes]})
    present = table["code"].isin(rows.index)
    picked = rows.reindex(table["code"])
    table["tier"] = picked["tier"].to_numpy()
    table["tier_fr"] = [labels.TIERS[int(t)] if pd.notna(t) else ("non classé" if ok else "hors sélection")
                        for t, ok in zip(picked["tier"], present)]
    table["rank_fr"] = [str(int(r)) if pd.notna(r) else "–" for r in picked["rank"]]
    table["count_fr"] = [fmt_number(round(c, -1)) for c in picked["count"]]
    table["estimate_fr"] = [f"{fmt_percent(e)} {fmt_interval(lo, hi)}"
                            for e, lo, hi in zip(picked["estimate"], picked["ci_low"], picked["ci_high"])]
    distances = picked["support_distance_m"] if "support_distance_m" in picked else pd.Series(float("nan"), index=picked.index)
    table["distance_fr"] = [labels.distance_text(d) for d in distances]
    return table

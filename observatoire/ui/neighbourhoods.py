"""The Quartiers page's table: the ranked IRIS list as read by people, rank intervals in words.

Pure (no Streamlit) so that its disclosure rule is unit-tested: a direct estimate withheld by
the targeting module (too few respondents) reads « donnée non diffusée », never a number.
"""

from __future__ import annotations

import pandas as pd

from observatoire.formatting import WITHHELD, fmt_interval, fmt_number, fmt_percent

SORTS = {
    "share": "Part de personnes en difficulté",
    "count": "Nombre de personnes en difficulté",
    "index": "Indice de fragilité numérique",
}


def _direct(row) -> str:
    if row["n_unweighted"] == 0:
        return "aucun répondant"
    return WITHHELD if pd.isna(row["direct"]) else fmt_percent(row["direct"])


def display_ranking(ranked: pd.DataFrame) -> pd.DataFrame:
    """`targeting.rank_areas` output -> French columns; the rank interval beside each rank."""
    k = ranked.attrs.get("k", len(ranked))
    rows = [
        {
            "Rang": int(row["rank"]),
            "Intervalle de rang à 95 %": f"{int(row['rank_low'])} à {int(row['rank_high'])}",
            f"Probabilité d'être dans les {k} premiers": fmt_percent(row["p_top_k"], 0),
            "IRIS (commune)": f"{row['iris_name']} ({row['commune_name']})",
            "Part estimée et IC à 95 %": f"{fmt_percent(row['estimate'])} {fmt_interval(row['ci_low'], row['ci_high'])}",
            "Personnes en difficulté": fmt_number(round(row["count"], -1)),
            "Indice de fragilité (1 à 10)": fmt_number(row["fragility_index"], 1),
            "Répondants (n)": fmt_number(row["n_unweighted"]),
            "Estimation directe": _direct(row),
            "Signalements": "aucun" if row["flag"] == "ok" else row["flag"],
        }
        for row in ranked.to_dict("records")
    ]
    return pd.DataFrame(rows)

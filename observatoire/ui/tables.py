"""Estimate tables as shown to readers: French strings, one row per group, reliability in words.

Pure functions (no Streamlit) so the disclosure rules of the display are unit-tested: a withheld
row never shows its estimate or interval, a fragile one always says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from observatoire.formatting import WITHHELD, fmt_interval, fmt_number, fmt_percent

FRAGILE = "à interpréter avec prudence"
FLAG_TEXT = {"ok": "fiable", "fragile": f"⚠ {FRAGILE}", "withheld": "non diffusée (trop peu de répondants ou trop imprécise)"}
GROUP, ESTIMATE, INTERVAL, COUNT, RELIABILITY = "Groupe", "Estimation", "IC à 95 %", "Répondants (n)", "Fiabilité"
DISPLAY_COLUMNS = (GROUP, ESTIMATE, INTERVAL, COUNT, RELIABILITY)


def shown_estimate(row: Mapping) -> str:
    """The estimate as text: a share in %, « donnée non diffusée » when withheld, marked when fragile."""
    if row["flag"] == "withheld":
        return WITHHELD
    text = fmt_percent(row["estimate"])
    return f"{text} ⚠" if row["flag"] == "fragile" else text


def shown_interval(row: Mapping) -> str:
    return "–" if row["flag"] == "withheld" else fmt_interval(row["ci_low"], row["ci_high"])


def display_table(table: pd.DataFrame, group_labels: Mapping[str, str]) -> pd.DataFrame:
    """Estimate-table rows (shares) → the French table shown beside every chart."""
    rows = [
        {
            GROUP: group_labels.get(str(row["domain"]), str(row["domain"])),
            ESTIMATE: shown_estimate(row),
            INTERVAL: shown_interval(row),
            COUNT: fmt_number(row["n_unweighted"]),
            RELIABILITY: FLAG_TEXT[row["flag"]],
        }
        for row in table.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=list(DISPLAY_COLUMNS))


def sample_table(counts: pd.DataFrame, commune_names: Mapping[str, str]) -> pd.DataFrame:
    """Respondents per commune (rows) and wave (columns), with a total row, as French text."""
    wide = counts.pivot_table(index="commune", columns="wave", values="n", aggfunc="sum", fill_value=0)
    wide.loc["total"] = wide.sum()
    wide.index = [commune_names.get(code, code) if code != "total" else "Ensemble" for code in wide.index]
    wide.index.name = "Commune"
    wide.columns = [f"Vague {wave}" for wave in wide.columns]
    return wide.map(fmt_number)

"""Page components shared by every page (stable API: other pages call these).

- `source_banner(results)`: which inputs are demonstration data (nothing when all are real), and
  the name of the session's own file.
- `figure_card(row, label, help=None, change=None)`: one estimate-table row as a headline share
  with its 95 % CI, n and reliability, and its change since the previous wave.
- `estimate_table(table, group_labels, caption)`: an estimate table as an accessible HTML table;
  withheld rows read « donnée non diffusée », fragile ones « ⚠ à interpréter avec prudence ».
- `findings_table(report)`: a validation report as a French table (ligne, colonne, valeur, …).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from observatoire.formatting import WITHHELD, fmt_interval, fmt_number, fmt_points
from observatoire.pipeline import Results
from observatoire.trends import WaveChange
from observatoire.ui.tables import FLAG_TEXT, GROUP, display_table, shown_estimate
from observatoire.validation import ValidationReport

COMPACT_DEMO = "Données de démonstration — synthétiques, ne pas citer."


def source_banner(results: Results, upload: str | None, compact: bool = False) -> None:
    """`upload`: the session's own survey file name, if any; `compact`: one line (the projected
    presentation; every other page and the brief name the inputs concerned)."""
    if upload is not None:
        st.info(f"Résultats calculés sur votre fichier « {upload} », pour cette session uniquement.")
    if results.demo_note and compact:
        st.warning(COMPACT_DEMO, icon=":material/warning:")
    elif results.demo_note:
        st.warning(results.demo_note)


def figure_card(row: Mapping, label: str, help: str | None = None, change: WaveChange | None = None) -> None:
    """A headline share (an estimate-table row): the value (or « donnée non diffusée »), then CI,
    n and reliability in words; with `change`, the previous wave and the change in points with
    its interval (« −0,7 point depuis 2022 »), never coloured as good or bad news."""
    delta, arrow = None, "off"
    if change is not None and change.difference is not None:
        delta = f"{fmt_points(change.difference)} depuis {change.previous_wave}"
        # The sign is a typographic minus, which Streamlit does not read: the arrow is said explicitly.
        arrow = "off" if delta.startswith("0") else ("down" if change.difference < 0 else "up")
    st.metric(label, shown_estimate(row), delta=delta, delta_color="off", delta_arrow=arrow, help=help, border=True)
    n = f"n = {fmt_number(row['n_unweighted'])} répondants"
    if row["flag"] == "withheld":
        st.caption(f"{n} : trop peu de répondants ou estimation trop imprécise, {WITHHELD}.")
        return
    st.caption(f"En {int(row['wave'])}, IC à 95 % : {fmt_interval(row['ci_low'], row['ci_high'])} · {n} · {FLAG_TEXT[row['flag']]}")
    if change is not None and change.previous is not None:
        parts = [f"En {change.previous_wave} : {change.previous_text().rsplit(' en ', 1)[0]}", change.change_interval(), change.verdict()]
        st.caption(" · ".join(part for part in parts if part))


def estimate_table(table: pd.DataFrame, group_labels: Mapping[str, str], caption: str) -> None:
    """Shares by group, with CI, n and reliability (a real table: read by screen readers)."""
    st.caption(caption)
    st.table(display_table(table, group_labels).set_index(GROUP))


FINDING_COLUMNS = {"row": "Ligne", "column": "Colonne", "value": "Valeur", "message": "Problème", "hint": "Que faire"}


def findings_table(report: ValidationReport, limit: int = 200) -> None:
    """The validation report in French: summary, then one row per finding (first `limit`)."""
    if report.ok:
        st.success(report.summary_fr())
        return
    st.error(report.summary_fr())
    rows = pd.DataFrame([f.to_dict() for f in report.findings[:limit]], columns=list(FINDING_COLUMNS))
    rows["row"] = [fmt_number(r) if pd.notna(r) else "fichier entier" for r in rows["row"]]
    rows = rows.fillna("–").rename(columns=FINDING_COLUMNS)
    st.dataframe(rows, hide_index=True, width="stretch")
    if len(report.findings) > limit:
        st.caption(f"{fmt_number(limit)} premiers problèmes sur {fmt_number(len(report.findings))}.")


"""`engagements.html`: the commitments by theme, each with its status as a text badge and the
components of its progress assessment spelt out in French (in a native `<details>`, no script,
one sentence a line),
in the same words as the app (`observatoire.commitments.explain_progress`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from observatoire.commitments import divergence_line, divergences, explain_progress, unit_of
from observatoire.indicators.progress import CITATION, STATUS_LABELS_FR, STATUSES
from observatoire.site.markup import Cell, esc, heading, paragraphs, table
from observatoire.viz.charts import Unit


def badge(row: Mapping) -> str:
    """The status in words (the colour only repeats it)."""
    return f'<span class="badge s-{esc(row["status"])}">Statut : {esc(row["status_label"])}</span>'


def latest(row: Mapping, unit: Unit) -> str:
    """`18,5 % en 2024 (IC à 95 % : [17,5 ; 19,6])`, or « aucune valeur »."""
    if not pd.notna(row.get("latest_value")):
        return "aucune valeur"
    text = f"{unit.fmt(row['latest_value'])} en {int(row['latest_year'])}"
    if pd.notna(row.get("latest_ci_low")) and pd.notna(row.get("latest_ci_high")):
        text += f" (IC à 95 % : {unit.interval(row['latest_ci_low'], row['latest_ci_high'])})"
    return text


def steps(lines: list[str]) -> str:
    """The explanation, one sentence a line, in one paragraph (lines kept by CSS `pre-line`): a
    list would cost ten elements per commitment, 400 on the page, and its EcoIndex grade."""
    return f'<p class="steps">{esc(chr(10).join(lines))}</p>'


def commitment(row: Mapping) -> str:
    unit = unit_of(row)
    note = " Entrée illustrative (indicateur, référence ou cible non publiés)." if row.get("illustrative") else ""
    return "".join([
        heading(3, f"{row['id']} · {row['title']}", anchor=str(row["id"])),
        f"<p>{badge(row)} {esc(latest(row, unit))}.{esc(note)}</p>\n",
        *([paragraphs(divergence_line(row))] if divergence_line(row) else []),
        "<details><summary>Comment le statut est calculé</summary>",
        steps(explain_progress(row)),
        "</details>\n",
    ])


def status_table(progress: pd.DataFrame) -> str:
    counts = progress["status"].value_counts()
    rows = [[STATUS_LABELS_FR[s], Cell(str(int(counts.get(s, 0))), num=True)] for s in STATUSES]
    return table("Nombre d'engagements par statut", ["Statut", "Engagements"], rows)


def commitments_page(progress: pd.DataFrame, themes: Mapping[str, str]) -> str:
    """Body of engagements.html."""
    parts = [
        paragraphs(
            f"{len(progress)} engagements numérique responsable, regroupés par thème. Le statut compare "
            "l'évolution observée depuis l'année de référence à celle qu'il faudrait pour atteindre la cible "
            f"(méthode : {CITATION}). Le détail du calcul est donné sous chaque engagement."
        ),
        status_table(progress),
        *([paragraphs(*divergences(progress))] if divergences(progress) else []),
    ]
    for key, title in themes.items():
        rows = progress[progress["theme"] == key]
        if rows.empty:
            continue
        parts.append(heading(2, title))
        parts += [commitment(row) for row in rows.to_dict("records")]
    return "".join(parts)

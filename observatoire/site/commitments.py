"""`engagements.html`: the commitments by theme, each with its status as a text badge and the
components of its progress assessment spelt out in French (in a native `<details>`, no script).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from observatoire.formatting import fmt_number, fmt_percent
from observatoire.indicators.progress import CITATION, STATUS_LABELS_FR, STATUSES
from observatoire.site.markup import Cell, definitions, esc, heading, paragraphs, table
from observatoire.viz.charts import Unit

DIRECTIONS = {
    "increase": "à la hausse",
    "decrease": "à la baisse",
    "band": "rester dans une fourchette",
    "binary": "objectif atteint ou non",
}


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


def components(row: Mapping, unit: Unit) -> list[tuple[str, str]]:
    """The assessment's components, each named in plain French, only those that exist."""
    items = []
    if pd.notna(row.get("base_value")):
        items.append(("Valeur de référence", f"{unit.fmt(row['base_value'])} en {int(row['base_year'])}"))
    items.append(("Dernière valeur", latest(row, unit)))
    target = (f"{unit.fmt(row['target'])} en {int(row['target_year'])}" if pd.notna(row.get("target"))
              else "aucune cible chiffrée")
    items.append(("Cible", target))
    items.append(("Évolution souhaitée", DIRECTIONS.get(row["direction"], str(row["direction"]))))
    if pd.notna(row.get("cagr_actual")):
        items.append(("Évolution annuelle moyenne observée", fmt_percent(row["cagr_actual"], 1)))
    if pd.notna(row.get("cagr_required")):
        items.append(("Évolution annuelle nécessaire pour atteindre la cible", fmt_percent(row["cagr_required"], 1)))
    if pd.notna(row.get("ratio")):
        items.append(("Rythme observé rapporté au rythme nécessaire",
                      f"{fmt_number(row['ratio'], 2)} (0,95 ou plus : en bonne voie ; 0,60 à 0,95 : progrès modéré ; "
                      "0 à 0,60 : insuffisant ; négatif : s'éloigne de la cible)"))
    if pd.notna(row.get("growth_progress")):
        items.append(("Progression annuelle dans le sens souhaité",
                      f"{fmt_percent(row['growth_progress'], 2)} (seuils : {fmt_percent(row['threshold_high'], 2)} "
                      f"en bonne voie, {fmt_percent(row['threshold_med'], 2)} progrès modéré)"))
    items.append(("Statut", str(row["status_label"])))
    items.append(("Projection", projection(row, unit)))
    for key, term in (("reason", "Précision"), ("caveat", "Attention")):
        if pd.notna(row.get(key)) and row[key]:
            items.append((term, str(row[key])))
    return items


def projection(row: Mapping, unit: Unit) -> str:
    if not pd.notna(row.get("projection_2026")):
        reason = row.get("projection_reason")
        return f"non calculée : {reason}" if pd.notna(reason) and reason else "non calculée"
    text = (f"{unit.fmt(row['projection_2026'])} en {int(row['projection_year'])} si la tendance linéaire se "
            f"poursuit (intervalle de prédiction à 95 % : {unit.interval(row['projection_low'], row['projection_high'])})")
    if pd.notna(row.get("projection_probability")):
        text += f" ; probabilité d'atteindre la cible : {fmt_percent(row['projection_probability'], 0)}"
    return text


def commitment(row: Mapping) -> str:
    unit = Unit(short=row["unit_short"], decimals=int(row["decimals"]))
    note = " Entrée illustrative (indicateur, référence ou cible non publiés)." if row.get("illustrative") else ""
    return "".join([
        heading(3, f"{row['id']} · {row['title']}", anchor=str(row["id"])),
        f"<p>{badge(row)} {esc(latest(row, unit))}.{esc(note)}</p>\n",
        "<details><summary>Comment le statut est calculé</summary>",
        definitions(components(row, unit)),
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
    ]
    for key, title in themes.items():
        rows = progress[progress["theme"] == key]
        if rows.empty:
            continue
        parts.append(heading(2, title))
        parts += [commitment(row) for row in rows.to_dict("records")]
    return "".join(parts)

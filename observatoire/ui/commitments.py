"""The commitments (Engagements) page's pieces: status badges, filters and the progress explained.

`explain_progress(row)` turns one row of `observatoire.indicators.assess_progress` into plain
French sentences (what was compared with what, and which threshold decided the status); it is
pure so its wording is unit-tested. Badges carry an icon and the status in words, never colour
alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import streamlit as st

from observatoire import export
from observatoire.formatting import fmt_number, fmt_percent
from observatoire.viz.charts import Projection, Unit, trend_chart

# status -> (badge colour, Material icon); the label comes from the progress table (status_label).
BADGES = {
    "target_achieved": ("green", ":material/check_circle:"),
    "on_track": ("blue", ":material/trending_up:"),
    "moderate": ("orange", ":material/trending_flat:"),
    "insufficient": ("red", ":material/warning:"),
    "moving_away": ("red", ":material/trending_down:"),
    "not_available": ("gray", ":material/help:"),
}
DIRECTIONS = {
    "increase": "une hausse est souhaitée",
    "decrease": "une baisse est souhaitée",
    "band": "la valeur doit rester dans une fourchette",
    "binary": "objectif atteint ou non (0/1)",
}


def present(value) -> bool:
    return value is not None and not pd.isna(value)


def unit_of(row: Mapping) -> Unit:
    return Unit(short=row["unit_short"], decimals=int(row["decimals"]), title=f"Valeur ({row['unit_short']})")


def filter_commitments(progress: pd.DataFrame, themes: Iterable[str] = (), statuses: Iterable[str] = ()) -> pd.DataFrame:
    """Rows whose theme and status are among those chosen (an empty choice keeps everything)."""
    themes, statuses = list(themes), list(statuses)
    keep = pd.Series(True, index=progress.index)
    if themes:
        keep &= progress["theme"].isin(themes)
    if statuses:
        keep &= progress["status"].isin(statuses)
    return progress.loc[keep]


def status_counts(progress: pd.DataFrame) -> pd.DataFrame:
    """Number of commitments per status, in the order of BADGES (statuses with none are kept)."""
    counts = progress["status"].value_counts()
    labels = progress.drop_duplicates("status").set_index("status")["status_label"]
    return pd.DataFrame(
        [{"status": s, "label": labels.get(s, s), "count": int(counts.get(s, 0))} for s in BADGES if s in labels]
    )


def explain_progress(row: Mapping) -> list[str]:
    """The assessment's components as plain French sentences, in reading order."""
    unit = unit_of(row)
    lines = [f"En résumé : {row['reason']}."] if row.get("reason") else []
    if present(row.get("base_value")):
        lines.append(f"Point de départ : {unit.fmt(row['base_value'])} en {int(row['base_year'])}.")
    if present(row.get("latest_value")):
        text = f"Dernière valeur : {unit.fmt(row['latest_value'])} en {int(row['latest_year'])}"
        if present(row.get("latest_ci_low")) and present(row.get("latest_ci_high")):
            text += f" (intervalle de confiance à 95 % : {unit.interval(row['latest_ci_low'], row['latest_ci_high'])})"
        lines.append(text + ".")
    direction = DIRECTIONS.get(row["direction"], row["direction"])
    if present(row.get("target")):
        lines.append(f"Cible : {unit.fmt(row['target'])} en {int(row['target_year'])} ; {direction}.")
    else:
        lines.append(f"Pas de cible chiffrée ; {direction}.")
    lines += _rates(row)
    lines.append(f"Statut : {row['status_label']}.")
    lines += _projection(row, unit)
    if row.get("caveat"):
        lines.append(f"Attention : {row['caveat']}.")
    return lines


def _rates(row: Mapping) -> list[str]:
    """Observed vs required yearly rate (with a target) or vs the growth thresholds (without)."""
    if not present(row.get("cagr_actual")):
        return []
    since = int(row["base_year"])
    observed = f"l'évolution observée est de {fmt_percent(row['cagr_actual'], 1)} par an en moyenne depuis {since}"
    if present(row.get("ratio")):
        return [
            f"Pour atteindre la cible, il faudrait une évolution de {fmt_percent(row['cagr_required'], 1)} par an ; "
            f"{observed}.",
            f"Rythme observé rapporté au rythme nécessaire : {fmt_number(row['ratio'], 2)} "
            "(0,95 ou plus : en bonne voie ; de 0,60 à 0,95 : progrès modéré ; de 0 à 0,60 : insuffisant ; "
            "négatif : s'éloigne de la cible).",
        ]
    if present(row.get("growth_progress")):
        return [
            f"Sans cible, {observed} (dans le sens souhaité : {fmt_percent(row['growth_progress'], 2)}), "
            f"comparée aux seuils {fmt_percent(row['threshold_high'], 2)} (bonne voie) et "
            f"{fmt_percent(row['threshold_med'], 2)} (progrès modéré)."
        ]
    return [observed[0].upper() + observed[1:] + "."]


def _projection(row: Mapping, unit: Unit) -> list[str]:
    if not present(row.get("projection_2026")):
        reason = row.get("projection_reason")
        return [f"Pas de projection : {reason}."] if reason else []
    text = (
        f"Si la tendance linéaire observée se poursuit, la valeur en {int(row['projection_year'])} serait de "
        f"{unit.fmt(row['projection_2026'])} (intervalle de prédiction à 95 % : "
        f"{unit.interval(row['projection_low'], row['projection_high'])})"
    )
    if present(row.get("projection_probability")):
        text += f" ; probabilité d'atteindre la cible : {fmt_percent(row['projection_probability'], 0)}"
    lines = [text + "."]
    if row.get("projection_reason"):
        lines.append(f"Projection : {row['projection_reason']}.")
    return lines


def status_badge(row: Mapping) -> None:
    """A badge with an icon and the status in words (colour is only a reminder)."""
    colour, icon = BADGES.get(row["status"], BADGES["not_available"])
    st.badge(row["status_label"], icon=icon, color=colour)


def headline_line(row: Mapping) -> str:
    """`19,2 % [18,0 ; 20,4] en 2024 · cible 15,0 % en 2026` (or what is missing, in words)."""
    unit = unit_of(row)
    if present(row.get("latest_value")):
        text = f"{unit.fmt(row['latest_value'])}"
        if present(row.get("latest_ci_low")) and present(row.get("latest_ci_high")):
            text += f" {unit.interval(row['latest_ci_low'], row['latest_ci_high'])}"
        text += f" en {int(row['latest_year'])}"
    else:
        text = "aucune valeur"
    target = f"cible {unit.fmt(row['target'])} en {int(row['target_year'])}" if present(row.get("target")) else "sans cible chiffrée"
    return f"{text} · {target}"


def trend_for(row: Mapping, series: pd.DataFrame, size: str = "normal"):
    """The indicator's trend chart: observed series with CI, its target and its projection."""
    target = (int(row["target_year"]), float(row["target"])) if present(row.get("target")) else None
    projection = None
    if present(row.get("projection_2026")):
        projection = Projection(int(row["projection_year"]), float(row["projection_2026"]),
                                row["projection_low"], row["projection_high"])
    return trend_chart(series, title=row["title"], unit=unit_of(row), target=target, projection=projection, size=size)


def series_table(series: pd.DataFrame, unit: Unit) -> pd.DataFrame:
    """The observed values as read beside the trend chart (its text alternative)."""
    return pd.DataFrame(
        {
            "Année": series["year"].astype(int).astype(str),
            "Valeur": [unit.fmt(v) for v in series["value"]],
            "IC à 95 %": [unit.interval(lo, hi) for lo, hi in zip(series["ci_low"], series["ci_high"])],
            "Répondants (n)": [fmt_number(None if pd.isna(n) else n) for n in series["n_unweighted"]],
            "Source": series["source"].fillna("–"),
        }
    )


PROGRESS_EXPORT = (
    "id", "theme", "title", "unit_short", "latest_year", "latest_value", "latest_ci_low", "latest_ci_high",
    "target", "target_year", "status", "status_label", "base_year", "base_value", "cagr_actual", "cagr_required",
    "ratio", "projection_year", "projection_2026", "projection_low", "projection_high", "projection_probability",
    "reason", "caveat", "catalog_status",
)
EXPORT_NOTES = (
    "Observatoire du numérique : engagements numérique responsable et leur progression.",
    "Valeurs dans l'unité de l'indicateur (unit_short) ; latest_ci_low / latest_ci_high : intervalle de "
    "confiance à 95 % de la dernière valeur quand elle vient de l'enquête.",
    "Statut : méthode de mesure des progrès d'Open SDG (ratio = rythme observé / rythme nécessaire) ; "
    "projection : tendance linéaire avec intervalle de prédiction à 95 %.",
    "catalog_status : published (engagement et cible publiés), sinon entrée illustrative.",
)


def progress_xlsx(progress: pd.DataFrame) -> bytes:
    """The commitments table for elected officials (one row per indicator, every component)."""
    return export.xlsx_bytes({"Engagements": progress[list(PROGRESS_EXPORT)]}, notes=EXPORT_NOTES)


def detail_xlsx(row: Mapping, series: pd.DataFrame) -> bytes:
    """One indicator: its observed series (with CI and n) and its progress components."""
    columns = [c for c in ("year", "value", "ci_low", "ci_high", "n_unweighted", "source") if c in series.columns]
    components = pd.DataFrame({"composante": list(PROGRESS_EXPORT), "valeur": [row.get(c) for c in PROGRESS_EXPORT]})
    components["valeur"] = components["valeur"].astype(str)
    return export.xlsx_bytes({"Série": series[columns], "Progression": components},
                             notes=(f"{row['id']} · {row['title']}", *EXPORT_NOTES))


def open_detail(indicator_id: str) -> None:
    st.query_params["id"] = indicator_id


def commitment_line(row: Mapping, key: str, large: bool = False) -> None:
    """One commitment in the list: status badge, title, latest value and target, link to its card."""
    with st.container(border=True):
        text, action = st.columns([6, 1], vertical_alignment="center")
        with text:
            status_badge(row)
            title = f"{row['id']} · {row['title']}"
            st.markdown(f"### {title}\n{headline_line(row)}" if large else f"**{title}**  \n{headline_line(row)}")
        action.button(f"Fiche {row['id']}", key=key, on_click=open_detail, args=(row["id"],))

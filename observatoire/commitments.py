"""Commitments as people read them: the progress explained in plain French, filters, counts,
the headline line, the trend chart, its table and the workbooks.

`explain_progress(row)` turns one row of `observatoire.indicators.assess_progress` into plain
French sentences (what was compared with what, and which threshold decided the status). It is
Streamlit-free so the app's Engagements page and the static site's engagements.html say the same
thing, and its wording is unit-tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from observatoire import export
from observatoire.formatting import ci_long, fmt_number, fmt_percent
from observatoire.labels import Column, ci_headers
from observatoire.indicators.progress import STATUS_LABELS_FR, STATUSES
from observatoire.viz.charts import Projection, Unit, demo_labelled, trend_chart

DIRECTIONS = {
    "increase": "une hausse est souhaitée",
    "decrease": "une baisse est souhaitée",
    "band": "la valeur doit rester dans une fourchette",
    "binary": "objectif atteint ou non (0/1)",
}


def present(value) -> bool:
    return value is not None and not pd.isna(value)


def _note(row: Mapping, key: str) -> str:
    """A text component, empty when missing (None, NaN or "")."""
    value = row.get(key)
    return str(value) if present(value) and value else ""


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
    """Number of commitments per status present, in the method's order (STATUSES)."""
    counts = progress["status"].value_counts()
    return pd.DataFrame(
        [{"status": s, "label": STATUS_LABELS_FR[s], "count": int(counts.get(s, 0))} for s in STATUSES if s in counts]
    )


def _count(n: int, total: int, what: str) -> str:
    return f"{fmt_number(n)} engagement{'s' if n > 1 else ''} sur {fmt_number(total)} {what}"


def divergences(progress: pd.DataFrame) -> list[str]:
    """The overview's warnings, in plain French: commitments whose status the projection
    contradicts, and those whose status is within the survey's margin of error (one sentence
    each, empty when none). The app, the site and the CLI show these sentences."""
    total, lines = len(progress), []
    blank = pd.Series("", index=progress.index)
    split = progress[progress.get("agreement", blank).isin(["status_optimistic", "status_pessimistic"])]
    if len(split):
        optimistic = int((split["agreement"] == "status_optimistic").sum())
        kinds = [f"{fmt_number(optimistic)} jugé(s) atteint(s) ou en bonne voie alors que la probabilité d'atteindre "
                 "la cible est inférieure à 50 %"] if optimistic else []
        if len(split) > optimistic:
            kinds.append(f"{fmt_number(len(split) - optimistic)} jugé(s) en retard alors qu'elle dépasse 50 %")
        lines.append(
            _count(len(split), total, "ont un statut que la projection de tendance contredit") + " ("
            + ", ".join(split["id"]) + ") : " + " ; ".join(kinds) + ". Le statut prolonge le rythme moyen depuis "
            "l'année de référence, la projection la tendance linéaire des valeurs observées : le détail est dans "
            "chaque fiche.")
    margin = progress[progress.get("within_margin", blank).fillna(False).astype(bool)]
    if len(margin):
        lines.append(_count(len(margin), total, "ont un statut dans la marge d'erreur de l'enquête") + " ("
                     + ", ".join(margin["id"]) + ") : l'intervalle de confiance de la dernière valeur contient la "
                     "cible ou le chemin nécessaire.")
    return lines


def divergence_line(row: Mapping) -> str:
    """One visible sentence beside the status when the projection contradicts it ("" otherwise);
    the reason is in `explain_progress`."""
    kind, probability = _note(row, "agreement"), row.get("projection_probability")
    if kind not in ("status_optimistic", "status_pessimistic") or not present(probability):
        return ""
    side = "moins" if kind == "status_optimistic" else "plus"
    return (f"Attention : statut et projection divergent — la tendance linéaire donne {side} de 50 % de chances "
            f"d'atteindre la cible ({fmt_percent(probability, 0)}).")


def explain_progress(row: Mapping) -> list[str]:
    """The assessment's components as plain French sentences, in reading order."""
    unit = unit_of(row)
    reason = _note(row, "reason")
    lines = [f"En résumé : {reason}."] if reason else []
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
    if note := _note(row, "agreement_note"):
        lines.append(f"{note}.")
    if caveat := _note(row, "caveat"):
        lines.append(f"Attention : {caveat}.")
    return lines


def _rates(row: Mapping) -> list[str]:
    """Observed vs required yearly rate (with a target) or vs the growth thresholds (without)."""
    if not present(row.get("cagr_actual")):
        return []
    since = int(row["base_year"])
    observed = f"l'évolution observée est de {fmt_percent(row['cagr_actual'], 1)} par an en moyenne depuis {since}"
    if present(row.get("growth_progress")) and not present(row.get("ratio")):
        return [
            f"Sans cible, {observed} (dans le sens souhaité : {fmt_percent(row['growth_progress'], 2)}), "
            f"comparée aux seuils {fmt_percent(row['threshold_high'], 2)} (bonne voie) et "
            f"{fmt_percent(row['threshold_med'], 2)} (progrès modéré)."
        ]
    if not present(row.get("cagr_required")):
        return [observed[0].upper() + observed[1:] + "."]
    lines = [f"Pour atteindre la cible, il faudrait une évolution de {fmt_percent(row['cagr_required'], 1)} par an ; {observed}."]
    if present(row.get("ratio")):  # absent when the target equals the base value
        lines.append(f"Rythme observé rapporté au rythme nécessaire : {fmt_number(row['ratio'], 2)} "
                     "(0,95 ou plus : en bonne voie ; de 0,60 à 0,95 : progrès modéré ; de 0 à 0,60 : insuffisant ; "
                     "négatif : s'éloigne de la cible).")
    return lines


def _projection(row: Mapping, unit: Unit) -> list[str]:
    reason = _note(row, "projection_reason")
    if not present(row.get("projection_2026")):
        return [f"Pas de projection : {reason}." if reason else "Pas de projection."]
    text = (
        f"Si la tendance linéaire observée se poursuit, la valeur en {int(row['projection_year'])} serait de "
        f"{unit.fmt(row['projection_2026'])} (intervalle de prédiction à 95 % : "
        f"{unit.interval(row['projection_low'], row['projection_high'])})"
    )
    if present(row.get("projection_probability")):
        text += f" ; probabilité d'atteindre la cible : {fmt_percent(row['projection_probability'], 0)}"
    return [text + ".", f"Projection : {reason}."] if reason else [text + "."]


def status_notes(row: Mapping) -> list[str]:
    """What qualifies a commitment's status, in words: status and projection disagreeing
    (`agreement_note`), then the caveat (the margin of error among others), each sentence once."""
    notes = [_note(row, key) for key in ("agreement_note", "caveat")]
    return list(dict.fromkeys(note for note in notes if note))


def short_note(row: Mapping) -> str:
    """The one thing to say aloud about a status, for a projected screen: a status and a projection
    that disagree, with the projection's chance (the full reasons are in the brief and the card);
    the margin of error is already in the status label."""
    if row.get("agreement") not in ("status_optimistic", "status_pessimistic"):
        return ""
    verdict = ("plus favorable que la projection" if row["agreement"] == "status_optimistic"
               else "moins favorable que la projection")
    chance = fmt_percent(row["projection_probability"], 0)
    return f"Statut {verdict} : {chance} de chances d'atteindre la cible selon la tendance"


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


def trend_caption(level: float) -> str:
    """The trend chart's legend in words; `level`: the run's `ci_level` (survey values' intervals)."""
    return (f"Ligne bleue : valeurs observées ; traits verticaux : {ci_long(level)}, aux seules années mesurées par "
            "l'enquête ; tirets violets : projection de la tendance avec son intervalle de prédiction ; ligne "
            "vermillon : cible.")


def trend_for(row: Mapping, series: pd.DataFrame, size: str = "normal", *, demo: str = ""):
    """The indicator's trend chart: observed series with CI, its target and its projection
    (`demo`: labelled as demonstration data, on the page and in its PNG/SVG/PDF exports)."""
    target = (int(row["target_year"]), float(row["target"])) if present(row.get("target")) else None
    projection = None
    if present(row.get("projection_2026")):
        projection = Projection(int(row["projection_year"]), float(row["projection_2026"]),
                                row["projection_low"], row["projection_high"])
    chart = trend_chart(series, title=row["title"], unit=unit_of(row), target=target, projection=projection, size=size)
    return demo_labelled(chart, demo) if demo else chart


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


LOW, HIGH = ci_headers(unit="")
_VALUE = {"kind": "number", "decimals_from": "decimals"}  # in the indicator's unit, its decimals
# The commitments table for people: code (the progress keys of `observatoire progress --json`) -> column.
PROGRESS_COLUMNS = {
    "id": Column("Engagement", "identifiant de l'engagement dans le catalogue des indicateurs"),
    "theme_title": Column("Thème", "thème du catalogue"),
    "title": Column("Intitulé", "intitulé de l'indicateur"),
    "unit_short": Column("Unité", "unité des valeurs, des cibles et des projections de la ligne"),
    "latest_year": Column("Dernière année", "année de la dernière valeur", "plain"),
    "latest_value": Column("Dernière valeur", "dernière valeur observée", **_VALUE),
    "latest_ci_low": Column(LOW, "borne basse de l'intervalle de confiance à 95 % de la dernière valeur, quand "
                            "elle vient de l'enquête", **_VALUE),
    "latest_ci_high": Column(HIGH, "borne haute de cet intervalle", **_VALUE),
    "target": Column("Cible", "valeur visée", **_VALUE),
    "target_year": Column("Année cible", "année où la cible doit être atteinte", "plain"),
    "status_label": Column("Statut", "statut de progression (méthode de mesure des progrès d'Open SDG)"),
    "base_year": Column("Année de référence", "année de la valeur de départ", "plain"),
    "base_value": Column("Valeur de référence", "valeur de départ", **_VALUE),
    "cagr_actual": Column("Rythme observé (% par an)", "taux de croissance annuel moyen observé depuis "
                          "l'année de référence", "share", 1),
    "cagr_required": Column("Rythme nécessaire (% par an)", "taux de croissance annuel moyen nécessaire pour "
                            "atteindre la cible", "share", 1),
    "ratio": Column("Rythme observé / nécessaire", "rapport des deux rythmes : 1 ou plus, le rythme suffit",
                    "number", 2),
    "projection_year": Column("Année de projection", "année de la valeur projetée", "plain"),
    "projection_2026": Column("Valeur projetée", "projection de la tendance linéaire", **_VALUE),
    "projection_low": Column("Projection : bas", "borne basse de l'intervalle de prédiction à 95 %", **_VALUE),
    "projection_high": Column("Projection : haut", "borne haute de l'intervalle de prédiction à 95 %", **_VALUE),
    "projection_probability": Column("Probabilité d'atteindre la cible (%)", "selon la projection", "share", 0),
    "reason": Column("Explication du statut", "ce qui a décidé le statut"),
    "caveat": Column("Réserve", "limite de la mesure, s'il y en a une"),
    "within_margin": Column("Dans la marge d'erreur", "oui : le statut tient dans la marge d'erreur de l'enquête",
                            words={True: "oui", False: "non"}),
    "agreement_note": Column("Statut et projection", "si le statut et la probabilité d'atteindre la cible "
                             "concordent, et sinon pourquoi"),
    "catalog_status": Column("Engagement publié", "oui : engagement et cible publiés ; oui (indicateur et cible "
                             "illustratifs) : engagement publié, mesure illustrative ; non : entrée illustrative",
                             words={"published": "oui", "published_theme": "oui (indicateur et cible illustratifs)",
                                    "illustrative": "non"}),
}
EXPORT_NOTES = (
    "Observatoire du numérique : engagements numérique responsable et leur progression.",
    "Valeurs, cibles et projections dans l'unité de l'indicateur (colonne « Unité »), affichées avec ses "
    "décimales.",
    "Statut : méthode de mesure des progrès d'Open SDG (rythme observé rapporté au rythme nécessaire) ; "
    "projection : tendance linéaire avec intervalle de prédiction à 95 %.",
)


def _progress_table(progress: pd.DataFrame, themes: Mapping[str, str]) -> pd.DataFrame:
    table = progress.assign(theme_title=progress["theme"].map(lambda t: themes.get(t, t)))
    return table[[*PROGRESS_COLUMNS, "decimals"]]


def progress_xlsx(progress: pd.DataFrame, themes: Mapping[str, str] | None = None, *, demo: str = "") -> bytes:
    """The commitments table for elected officials (one row per indicator, every component);
    `themes`: the catalogue's theme titles by code."""
    table = _progress_table(progress, themes or {})
    return export.xlsx_bytes({"Engagements": table}, notes=EXPORT_NOTES, columns=PROGRESS_COLUMNS, demo=demo)


SERIES_COLUMNS = {
    "year": Column("Année", "année de la valeur", "plain"),
    "value": Column("Valeur", "valeur observée, dans l'unité de l'indicateur"),
    "ci_low": Column(LOW, "borne basse de l'intervalle de confiance à 95 % (valeurs de l'enquête)"),
    "ci_high": Column(HIGH, "borne haute de cet intervalle"),
    "n_unweighted": Column("Répondants (n)", "nombre de répondants (valeurs de l'enquête)", "number"),
    "source": Column("Source", "d'où vient la valeur"),
}


def detail_xlsx(row: Mapping, series: pd.DataFrame, themes: Mapping[str, str] | None = None, *,
                demo: str = "") -> bytes:
    """One indicator: its observed series (with CI and n, in its unit and decimals) and its progress
    components (one line each: header, value, code)."""
    decimals = int(row["decimals"]) if present(row.get("decimals")) else 1
    value = {"kind": "number", "decimals": decimals}
    columns = {code: Column(c.header, c.meaning, **value) if code in ("value", "ci_low", "ci_high") else c
               for code, c in SERIES_COLUMNS.items()}
    shown = [c for c in columns if c in series.columns]
    table = _progress_table(pd.DataFrame([dict(row)]), themes or {})
    values = [_component(table, code) for code in PROGRESS_COLUMNS]
    components = pd.DataFrame({"component": [c.header for c in PROGRESS_COLUMNS.values()], "component_value": values,
                               "component_code": list(PROGRESS_COLUMNS)})
    columns |= {"component": Column("Composante", "élément du calcul du statut"),
                "component_value": Column("Valeur", "sa valeur, telle qu'affichée (unité de l'indicateur, ou %)"),
                "component_code": Column("Code", "nom de la composante pour les programmes (clé de "
                                         "« observatoire progress --json » ou de progress.json)")}
    return export.xlsx_bytes({"Série": series[shown], "Progression": components},
                             notes=(f"{row['id']} · {row['title']}", *EXPORT_NOTES), columns=columns, demo=demo)


def _component(table: pd.DataFrame, code: str) -> str:
    """One progress component as the CSV would show it (rounded, in words), as French text."""
    value = export.displayed(table, code, PROGRESS_COLUMNS[code]).iloc[0]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    return str(value)

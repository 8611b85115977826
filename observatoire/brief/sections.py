"""The brief's sections as ReportLab flowables, from `Results` through `observatoire.council`:
cover, headline figures, map, commitments by theme, neighbourhoods, method and sources.

Every figure carries its interval (at the run's `ci_level`) (and n where it is a survey estimate); a withheld one
reads « donnée non diffusée »; demonstration data are said on the cover, in the method note and
at the top of every page.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from reportlab.platypus import Spacer

from observatoire import commitments, council, labels
from observatoire.brief import layout
from observatoire.brief.layout import boxed, heading, para, table
from observatoire.formatting import ci_long, ci_short, fmt_interval, fmt_level, fmt_number, fmt_percent
from observatoire.indicators import progress as progress_method
from observatoire.indicators.projection import ALPHA
from observatoire.methodology import ci_label
from observatoire.pipeline import Results
from observatoire.trends import wave_change
from observatoire.viz.charts import FRENCH_LOCALE


MONTHS = FRENCH_LOCALE.to_dict()["time"]["months"]
PREDICTION_LEVEL = fmt_level(1 - ALPHA)  # the projection's interval (fixed by the method, not a setting)


def french_date(day: date) -> str:
    """`date(2026, 3, 1)` -> « 1er mars 2026 »."""
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]} {day.year}"


def data_years(results: Results) -> str:
    """« enquête 2024, indicateurs jusqu'en 2025 »: what the brief's figures date from."""
    parts = []
    if results.waves:
        parts.append(f"enquête {results.waves[-1]}")
    years = results.progress["latest_year"].dropna() if not results.progress.empty else pd.Series(dtype=float)
    if not years.empty:
        parts.append(f"indicateurs jusqu'en {int(years.max())}")
    return ", ".join(parts) or "aucune donnée"


def cover(results: Results, title: str, subtitle: str, day: date | None) -> list:
    """Title page: the place, the date, what the figures date from, the demonstration warning."""
    story = [Spacer(1, 30), para("Observatoire du numérique", "subtitle"), para(title, "title"), para(subtitle, "subtitle"),
             Spacer(1, 6)]
    when = f"Édition du {french_date(day)} · " if day is not None else ""
    story.append(para(f"{when}Données : {data_years(results)}.", "body"))
    if results.demo_note:
        story += [Spacer(1, 10), boxed([para(results.demo_note, "demo")])]
    return story + [Spacer(1, 14)]


def summary(results: Results, ranked: pd.DataFrame) -> list:
    """« En bref »: the headline figures, the commitments' statuses and the first neighbourhood."""
    items = [f"{f.label} : {f.change.headline()} ({f.change.verdict() or 'pas de vague précédente'})."
             for f in council.figures(results)]
    if not results.progress.empty:
        counts = commitments.status_counts(results.progress)
        items.append(f"{len(results.progress)} engagements : " + " ; ".join(
            f"{row['label'].lower()} : {row['count']}" for row in counts.to_dict("records")) + ".")
    if not ranked.empty:
        items.append("Quartiers où vivent le plus de personnes en difficulté : " + ", ".join(
            row["place"] for row in ranked.head(3).to_dict("records")) + ".")
    return [heading("En bref", 2)] + [para(f"• {text}") for text in items]


def headline_figures(results: Results) -> list:
    """The headline indicators in large type, then every survey indicator of the latest wave with
    the change since the previous one."""
    story = [heading("Chiffres clés de l'enquête")]
    found = council.figures(results, tuple(results.spec.derived))
    if not found:
        return story + [para("Aucun chiffre : l'enquête chargée ne contient aucune réponse exploitable.")]
    first = found[0].change
    story.append(para(
        f"Part des habitants de 15 ans ou plus {results.territory.of_name()}, enquête {first.wave}"
        + (f", comparée à {first.previous_wave}" if first.previous_wave else "")
        + f" ; entre crochets, l'{ci_long(first.level)} ; l'évolution est la dernière vague moins la précédente."))
    for item in council.figures(results):
        change = item.change
        details = (f"{ci_short(change.level)} : {change.interval()}", f"n = {fmt_number(change.latest['n_unweighted'])} répondants",
                   change.change_interval(), change.verdict())
        story += [para(item.label, "h2"), para(change.headline(), "figure"), para(" · ".join(t for t in details if t), "small")]
    rows = [[f.label, f"{f.change.value()} {f.change.interval()}", fmt_number(f.change.latest["n_unweighted"]),
             f.change.previous_text() or "–", f.change.change_text(), f.change.verdict() or "–"] for f in found]
    ci = ci_short(first.level)
    header = ["Indicateur", f"{first.wave} ({ci})", "n", "Vague précédente", f"Évolution ({ci})", "Lecture"]
    return story + [Spacer(1, 6), table(header, rows, [0.22, 0.17, 0.07, 0.18, 0.17, 0.19], bold_first=True)]


def commune_map(results: Results, highlight: str | None = None) -> list:
    """The headline indicator by commune, latest wave, with its text alternative."""
    found = council.headline_map(results, highlight)
    if found is None:
        return []
    title = heading(f"Carte : {found.subject}, par commune", 2)
    return [layout.figure(layout.chart(found.chart, max_height=330), found.caption, title)]


def commitment_rows(rows: pd.DataFrame) -> list[list[str]]:
    out = []
    for row in rows.to_dict("records"):
        unit = commitments.unit_of(row)
        latest = "aucune valeur"
        if commitments.present(row.get("latest_value")):
            latest = f"{unit.fmt(row['latest_value'])} ({int(row['latest_year'])})"
            if commitments.present(row.get("latest_ci_low")):
                latest += f" {unit.interval(row['latest_ci_low'], row['latest_ci_high'])}"
        target = f"{unit.fmt(row['target'])} en {int(row['target_year'])}" if commitments.present(row.get("target")) else "sans cible chiffrée"
        projection = "–"
        if commitments.present(row.get("projection_2026")):
            projection = f"{unit.fmt(row['projection_2026'])} {unit.interval(row['projection_low'], row['projection_high'])}"
            if commitments.present(row.get("projection_probability")):
                projection += f" ; P(cible) {fmt_percent(row['projection_probability'], 0)}"
        notes = commitments.status_notes(row)
        out.append([row["id"], row["title"], row["status_label"], latest, target, projection, " ; ".join(notes) or "–"])
    return out


def commitments_section(results: Results) -> list:
    """Every commitment, by theme: status, latest value, target, projection and what qualifies the status."""
    story = [heading("Engagements par thème")]
    if results.progress.empty:
        return story + [para("Aucun engagement : le catalogue des indicateurs est vide.")]
    story.append(para(
        f"{len(results.progress)} engagements, horizon {results.catalog.horizon}. Statut : méthode de mesure des progrès "
        "d'Open SDG (rythme observé depuis l'année de référence rapporté au rythme nécessaire). Projection : tendance "
        f"linéaire des valeurs observées, avec son intervalle de prédiction à {PREDICTION_LEVEL} et la probabilité "
        "d'atteindre la cible."))
    header = ["Id", "Engagement", "Statut", "Dernière valeur", "Cible", f"Projection (IP à {PREDICTION_LEVEL})", "À savoir"]
    widths = [0.075, 0.2, 0.11, 0.15, 0.11, 0.155, 0.2]
    for theme, rows in council.commitments_by_theme(results):
        story += [heading(theme, 2), table(header, commitment_rows(rows), widths)]
    return story


def area_rows(ranked: pd.DataFrame) -> list[list[str]]:
    return [[str(int(r["rank"])), f"{int(r['rank_low'])} à {int(r['rank_high'])}", r["place"],
             f"{fmt_percent(r['estimate'])} {fmt_interval(r['ci_low'], r['ci_high'])}", fmt_number(round(r["count"], -1)),
             fmt_number(r["n_unweighted"])] for r in ranked.to_dict("records")]


def areas_section(results: Results, ranked: pd.DataFrame, where: str = "") -> list:
    """The neighbourhoods to target first (`council.top_areas`), by number of people in difficulty,
    with rank intervals."""
    story = [heading(f"Quartiers à cibler{where}")]
    if ranked.empty:
        return story + [para("Pas de classement par quartier : le territoire ne fournit pas de contours IRIS ou de "
                             "covariables par IRIS, ou la commune n'a pas d'IRIS.")]
    story.append(para(
        f"Les {len(ranked)} IRIS où vivent le plus de personnes en difficulté avec les démarches en ligne (part estimée × "
        f"population de 15 ans ou plus), enquête {results.waves[-1]}. Parts estimées par un modèle sur petits domaines "
        "(Fay-Herriot) ; l'intervalle de rang dit entre quelles places l'IRIS se situe avec 95 % de probabilité : deux "
        "IRIS dont les intervalles se chevauchent ne sont pas nettement départagés."))
    header = ["Rang", "Intervalle de rang", "IRIS (commune)", f"Part estimée ({ci_short(results.settings['ci_level'])})",
              "Personnes en difficulté", "Répondants"]
    return story + [table(header, area_rows(ranked), [0.07, 0.13, 0.34, 0.2, 0.14, 0.12])]


def method_section(results: Results) -> list:
    """How the figures were made and where they come from, generated from the run."""
    spec, values = results.spec, results.settings
    counts = results.sample_counts.groupby("wave")["n"].sum()
    waves = " ; ".join(f"{int(w)} : {fmt_number(n)} répondants" for w, n in counts.items()) or "aucune réponse valide"
    raking = ", ".join(" × ".join(labels.variable_label(spec, c) for c in v.columns) for v in spec.design.raking)
    story = [heading("Méthode et sources"), para(
        f"Enquête auprès des habitants de 15 ans ou plus {results.territory.of_name()} ({waves}). Chaque vague est pondérée "
        f"séparément : calage sur les marges du recensement ({raking or 'aucune marge'}), puis écrêtage des poids. "
        f"Intervalles de confiance à {fmt_percent(values['ci_level'], 0)} ({ci_label(values['ci_method_proportion'])}), "
        "variances tenant compte de la stratification et du calage.")]
    story.append(para(
        f"Une estimation reposant sur moins de {values['reliability_withhold_n']} répondants n'est pas diffusée ; sous "
        f"{values['reliability_fragile_n']} répondants ou au-delà d'un coefficient de variation de "
        f"{fmt_percent(values['reliability_fragile_cv'], 0)}, elle est signalée fragile (⚠). Les évolutions entre vagues et "
        "les écarts entre une commune et l'ensemble sont donnés avec leur intervalle : un intervalle qui contient 0 "
        "signifie que l'écart n'est pas significatif."))
    story.append(para(f"Progression des engagements : {progress_method.CITATION}."))
    story.append(para("Quartiers : estimations sur petits domaines (modèle de Fay-Herriot sur l'échelle arc sinus, "
                      "covariables du recensement par IRIS), rangs simulés."))
    sources = sorted({ind.owner for ind in results.catalog.indicators})
    story.append(para(f"Sources des indicateurs : enquête ({', '.join(map(str, results.waves)) or '–'}), fichiers et "
                      f"inventaires transmis par les services ({', '.join(sources)}). Contours : fichiers du territoire "
                      f"({results.territory.communes.file.name}). Contact : {results.territory.contact} · licence : "
                      f"{results.territory.licence}."))
    if results.demo_note:
        story.append(para(results.demo_note, "demo"))
    return story


def versus_section(results: Results, commune: str, name: str) -> list:
    """The commune against the whole territory, each indicator, with commune − territory and its interval."""
    items = council.versus_territory(results, commune)
    story = [heading(f"{name} comparée à l'ensemble {results.territory.of_name()}")]
    if not items:
        return story + [para("Aucune estimation pour cette commune.")]
    wave = int(items[0].commune["wave"])
    story.append(para(
        f"Part des habitants de 15 ans ou plus, enquête {wave}. Écart : commune moins ensemble du territoire, en points, "
        f"avec son {ci_long(results.settings['ci_level'])} (la commune fait partie de l'ensemble : le calcul en tient compte)."))
    for item in items[:len(council.figures(results))]:  # the headline ones in large type
        story += [para(item.label, "h2"), para(f"{item.commune_text().split(' [')[0]} à {name}", "figure"),
                  para(f"Ensemble : {item.territory_text()} · écart {item.difference_text()} : {item.verdict()} · "
                       f"n = {fmt_number(item.commune['n_unweighted'])} répondants", "small")]
    rows = [[v.label, v.commune_text(), fmt_number(v.commune["n_unweighted"]), v.territory_text(), v.difference_text(),
             v.verdict() or "–"] for v in items]
    ci = ci_short(results.settings["ci_level"])
    header = ["Indicateur", f"{name} ({ci})", "n", f"Ensemble ({ci})", f"Écart ({ci})", "Lecture"]
    story += [Spacer(1, 6), table(header, rows, [0.22, 0.17, 0.07, 0.17, 0.18, 0.19], bold_first=True)]
    changes = [(labels.variable_label(results.spec, v), wave_change(results, v, "commune", commune)) for v in results.spec.derived]
    story += [heading(f"Évolution à {name}", 2)] + [para(f"• {label} : {c.headline()}" + (f" ({c.verdict()})" if c.verdict() else ""))
                                                    for label, c in changes if c is not None]
    return story


def commitments_summary(results: Results) -> list:
    """The commitments of the territory in one table: count per theme and status."""
    story = [heading(f"Engagements {results.territory.of_name()}")]
    counts = council.status_by_theme(results)
    if counts.empty:
        return story + [para("Aucun engagement : le catalogue des indicateurs est vide.")]
    story.append(para(f"{len(results.progress)} engagements du territoire, horizon {results.catalog.horizon}, par thème et "
                      "statut (détail dans la note au conseil)."))
    rows = [[theme, *map(str, values)] for theme, values in zip(counts.index, counts.to_numpy().tolist())]
    width = 0.62 / max(len(counts.columns), 1)
    return story + [table(["Thème", *counts.columns], rows, [0.38] + [width] * len(counts.columns), bold_first=True)]

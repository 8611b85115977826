"""Engagements: the commitments by theme with their progress status; detail view by `?id=INC01`."""

import streamlit as st

from observatoire import commitments, export, glossary
from observatoire.indicators.progress import headline_series
from observatoire.ui import loaders, screen
from observatoire.ui.commitments import commitment_line, status_badge

results = loaders.current_results()
progress, catalog = results.progress, results.catalog
chosen = st.query_params.get("id")


def presentation_toggle() -> bool:
    return st.toggle("Mode présentation (grands caractères, sans filtres ni tableaux)", key="presentation")


def show_detail(row) -> None:
    st.button("← Tous les engagements", on_click=lambda: st.query_params.pop("id", None))
    st.title(f"Engagements — {row['id']} · {row['title']}")
    presentation = presentation_toggle()
    status_badge(row)
    if warning := commitments.divergence_line(row):
        st.warning(warning, icon=":material/info:")
    indicator = catalog.get(row["id"])
    st.markdown(f"**{commitments.headline_line(row)}**")
    if not presentation:
        st.caption(f"{indicator.definition} Unité : {indicator.unit}. Service : {indicator.owner}.")
        if indicator.illustrative:
            st.info(f"Entrée illustrative : {indicator.status_note}")
    unit = commitments.unit_of(row)
    series = headline_series(results.indicator_values, row["id"])
    if series.empty:
        st.info("Aucune valeur pour cet indicateur : pas de graphique.")
    else:
        chart = commitments.trend_for(row, series, "presentation" if presentation else "normal", demo=results.demo_note)
        st.altair_chart(chart, width="stretch")
        st.caption(commitments.trend_caption(results.settings["ci_level"]))
        st.markdown(glossary.app_links(("intervalle-de-confiance", "projection", "marge-d-erreur", "cible-2026",
                                        "effectif")))
        if not presentation:
            st.table(commitments.series_table(series, unit).set_index("Année"))
            columns = st.columns(4)
            for column, fmt in zip(columns, ("png", "svg", "pdf")):
                column.download_button(
                    f"Graphique {fmt.upper()}", data=lambda fmt=fmt: export.chart_bytes(chart, fmt),
                    file_name=export.download_name(row["id"], fmt, results.is_demo), mime=export.MIME[fmt],
                    on_click="ignore", key=f"chart-{fmt}")
            columns[3].download_button(
                "Série XLSX",
                data=lambda: commitments.detail_xlsx(row, series, catalog.themes, demo=results.demo_note),
                file_name=export.download_name(row["id"], "xlsx", results.is_demo), mime=export.MIME["xlsx"],
                on_click="ignore", key="series-xlsx")
    st.subheader("Comment le statut est calculé")
    st.markdown("\n".join(f"- {line}" for line in commitments.explain_progress(row)))


def show_overview() -> None:
    st.title("Engagements numérique responsable")
    st.caption(f"{len(progress)} engagements, horizon {catalog.horizon}. Statut calculé par la méthode de mesure "
               "des progrès d'Open SDG (détail dans chaque fiche).")
    st.markdown(glossary.app_links(("statut", "cible-2026", "projection", "marge-d-erreur", "intervalle-de-confiance",
                                   "iris", "lieu-de-mediation")))
    presentation = presentation_toggle()
    themes, statuses = [], []
    if not presentation:
        left, right = st.columns(2)
        themes = left.multiselect("Thème", list(catalog.themes), format_func=catalog.themes.get,
                                  placeholder="Tous les thèmes")
        counts = commitments.status_counts(progress)
        labels = dict(zip(counts["status"], counts["label"]))
        statuses = right.multiselect("Statut", list(labels), format_func=labels.get, placeholder="Tous les statuts")
    shown = commitments.filter_commitments(progress, themes, statuses)
    st.table(commitments.status_counts(shown)[["label", "count"]].rename(
        columns={"label": "Statut", "count": "Engagements"}).set_index("Statut"))
    for line in commitments.divergences(shown):
        st.info(line, icon=":material/info:")
    if shown.empty:
        st.info("Aucun engagement ne correspond à ces filtres.")
    for theme, rows in shown.groupby("theme", sort=False):
        st.header(catalog.themes.get(theme, theme))
        # 40 cards are some 12,000 px on a phone: each theme's list is folded there.
        with screen.folded_on_phone(f"Voir les {len(rows)} engagements"):
            for row in rows.to_dict("records"):
                commitment_line(row, key=f"open-{row['id']}", large=presentation)
    if not presentation:
        st.download_button("Tableau des engagements (XLSX)",
                           data=lambda: commitments.progress_xlsx(shown, catalog.themes, demo=results.demo_note),
                           file_name=export.download_name("engagements", "xlsx", results.is_demo),
                           mime=export.MIME["xlsx"], on_click="ignore")


if progress.empty:
    st.title("Engagements numérique responsable")
    st.info("Aucun engagement à afficher : le catalogue des indicateurs est vide.")
elif chosen in set(progress["id"]):
    show_detail(progress.set_index("id", drop=False).loc[chosen])
else:
    if chosen:
        st.warning(f"Engagement « {chosen} » inconnu : voici la liste complète.")
    show_overview()

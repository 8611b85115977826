"""Carte: a survey indicator by commune or IRIS for one wave, with its legend, its table and a text alternative."""

import streamlit as st

from observatoire import export
from observatoire.geo import load_communes
from observatoire.ui import components, labels, loaders
from observatoire.ui.legend import show_legend
from observatoire.viz import maps
from observatoire.viz.legend import quantile_classes

results = loaders.current_results()
st.title("Carte des inégalités numériques")
variables = list(results.spec.derived)
if results.estimates.empty or not results.waves:
    st.info("Aucune estimation à cartographier : l'échantillon chargé est vide ou non valide (voir la page « Données »).")
    st.stop()

left, middle, right = st.columns([2, 4, 2])
level = left.radio("Niveau", list(maps.GEO_LEVELS), format_func=lambda k: maps.GEO_LEVELS[k].label, horizontal=True)
variable = middle.selectbox("Indicateur", variables, format_func=lambda v: labels.variable_label(results.spec, v))
wave = right.selectbox("Vague d'enquête", results.waves[::-1])

subject = labels.variable_label(results.spec, variable).lower()
estimates = results.estimates
table = estimates[(estimates["wave"] == wave) & (estimates["variable"] == variable) & (estimates["level"] == "1")
                  & (estimates["domain_type"] == level)]
geometry = maps.load_geometry(level)
figures = maps.area_figures(table, geometry, level)
classes = quantile_classes(figures["estimate"])
summary = maps.text_alternative(figures, f"{subject} ({wave})", level)

map_column, side_column = st.columns([3, 1])
with map_column:
    names = load_communes() if level == "commune" else None
    st.pydeck_chart(maps.choropleth(figures, geometry, classes, labels=names), height=520, alt=summary)
with side_column:
    show_legend(classes, f"Part des habitants de 15 ans ou plus, {wave}")
    st.caption(summary)
    group_labels = labels.group_labels(results.spec, level)
    export_table = table.assign(name=table["domain"].map(group_labels))
    st.download_button("Tableau CSV", data=lambda: export.csv_bytes(export_table),
                       file_name=f"carte_{variable}_{level}_{wave}.csv", mime=export.MIME["csv"], on_click="ignore")
    st.download_button("Tableau XLSX", data=lambda: export.xlsx_bytes(
        {"Carte": export_table}, notes=[f"Observatoire du numérique : {subject}, {wave}. {summary}"],
        percent_columns=("estimate", "ci_low", "ci_high")), file_name=f"carte_{variable}_{level}_{wave}.xlsx",
        mime=export.MIME["xlsx"], on_click="ignore")
# Full width, so that the table never needs a scroll area (not reachable by keyboard).
st.subheader("Les chiffres de la carte")
components.estimate_table(table.sort_values("domain"), group_labels,
                          f"{subject.capitalize()}, {wave} : estimation, intervalle de confiance à 95 %, nombre de "
                          "répondants et fiabilité, pour chaque territoire ayant des répondants.")

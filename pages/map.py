"""Carte: a survey indicator by commune or IRIS for one wave, with its legend, its table and a text alternative."""

from types import SimpleNamespace

import streamlit as st

from observatoire import export, glossary, labels
from observatoire.formatting import ci_long
from observatoire.stats import COLUMNS
from observatoire.ui import components, loaders, screen, tables
from observatoire.ui.legend import show_legend
from observatoire.ui.support import show_support
from observatoire.viz import maps
from observatoire.viz.legend import quantile_classes

results = loaders.current_results()
st.title("Carte des inégalités numériques")
variables = list(results.spec.derived)
MODELLED = "in_difficulty"
if results.estimates.empty or not results.waves:
    st.info("Aucune estimation à cartographier : l'échantillon chargé est vide ou non valide (voir la page « Données »).")
    st.stop()

left, middle, right = st.columns([4, 3, 2])
variable = left.selectbox("Indicateur", variables, format_func=lambda v: labels.variable_label(results.spec, v))
# The small-area model exists for the share in difficulty of the latest wave (results.areas).
# IRIS levels need the territory's IRIS contours; the model also needs its covariates.
levels = ["commune"] + (["iris"] if results.geography.has_iris else [])
levels += ["iris_model"] if variable == MODELLED and not results.areas.empty else []
if variable == MODELLED and results.areas_note:
    st.caption(results.areas_note)
if not results.geography.has_iris:
    st.caption(f"Carte par commune seulement : {results.territory.name} ne fournit pas de contours IRIS.")
level = middle.radio("Niveau", levels, format_func=lambda k: maps.GEO_LEVELS[k].label)
waves = results.waves[-1:] if level == "iris_model" else results.waves[::-1]
wave = right.selectbox("Vague d'enquête", waves)

subject = labels.variable_label(results.spec, variable).lower()
geo_level = "commune" if level == "commune" else "iris"
ci_level = results.settings["ci_level"]


def map_view() -> SimpleNamespace:
    """Everything drawn from the chosen (variable, level, wave): the same for every visitor."""
    if level == "iris_model":
        # The estimate-table columns only: the model's inputs (direct shares of tiny IRIS) stay out of the export.
        table = results.areas[list(COLUMNS)]
    else:
        e = results.estimates
        table = e[(e["wave"] == wave) & (e["variable"] == variable) & (e["level"] == "1") & (e["domain_type"] == level)]
    geometry = results.geography.shapes(maps.GEO_LEVELS[level].shapes)
    figures = maps.area_figures(table, geometry, level)
    classes = quantile_classes(figures["estimate"])
    summary = maps.text_alternative(figures, f"{subject} ({wave})", level)
    borders = results.geography.commune_shapes if geo_level == "iris" else None  # communes over IRIS, to find one's way
    places = results.support.places if results.support is not None else None
    deck = maps.choropleth(figures, geometry, classes, labels=results.geography.communes, borders=borders, places=places)
    group_labels = labels.group_labels(results.spec, results.geography, geo_level)
    return SimpleNamespace(
        classes=classes, summary=summary, deck=components.SerializedDeck(deck),
        export_table=tables.estimates_export(table.sort_values("domain"), group_labels),
        export_columns=tables.export_columns(geo_level, ci_level),
        display=components.display_estimates(table.sort_values("domain"), group_labels, ci_level),
    )


view = loaders.shared(results, ("carte", variable, level, wave), map_view)
if level == "iris_model":
    st.caption("Estimation par modèle : chaque IRIS emprunte de "
               "l'information aux IRIS semblables (recensement, couverture), d'où des intervalles plus étroits que "
               "l'estimation directe ; les IRIS sans répondant (prédiction du modèle seule) sont marqués fragiles. "
               "Détail et classement : page « Quartiers ».")
map_column, side_column = st.columns([3, 1])
geometry = results.geography.shapes(maps.GEO_LEVELS[level].shapes)
width, height = screen.map_frame(geometry, 3 / 4, 520)
with map_column:
    st.pydeck_chart(view.deck.fitted(maps.view_state(geometry, width, height)), height=height, alt=view.summary)
    show_support(results.support)
with side_column:
    show_legend(view.classes, f"Part des {results.spec.population_of(variable)}, {wave}")
    st.caption(view.summary)
    stem = f"carte_{variable}_{level}_{wave}"
    st.download_button("Tableau CSV", data=lambda: export.csv_bytes(view.export_table, view.export_columns),
                       file_name=export.download_name(stem, "csv", results.is_demo), mime=export.MIME["csv"],
                       on_click="ignore")
    st.download_button("Tableau XLSX", data=lambda: export.xlsx_bytes(
        {"Carte": view.export_table}, notes=[f"Observatoire du numérique : {subject}, {wave}. {view.summary}"],
        columns=view.export_columns, demo=results.demo_note),
        file_name=export.download_name(stem, "xlsx", results.is_demo), mime=export.MIME["xlsx"], on_click="ignore")
st.markdown(glossary.app_links(("iris", "estimation-directe", "estimation-par-modele", "intervalle-de-confiance",
                               "effectif", "chiffre-fragile", "donnee-non-diffusee", "lieu-de-mediation")))
# Full width, so that the table never needs a scroll area (not reachable by keyboard); a long
# one (IRIS) folded, so that the page stays a page on a phone.
st.subheader("Les chiffres de la carte")
with st.expander(f"Tableau des {len(view.display)} territoires", expanded=len(view.display) <= components.LONG_TABLE_ROWS):
    components.shown_table(view.display, f"{subject.capitalize()}, {wave} : estimation, {ci_long(ci_level)}, "
                           "nombre de répondants et fiabilité, pour chaque territoire estimé.")

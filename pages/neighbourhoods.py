"""Quartiers: where to act first — IRIS ranked (by default by the number of people in difficulty)
with rank intervals and priority tiers; the map of tiers and of the places of digital mediation;
one IRIS explained; the list to download. The list, the map and the picker select the same IRIS."""

from functools import partial

import streamlit as st

from observatoire import export, glossary
from observatoire.areas import exports, labels
from observatoire.areas.support import share_beyond
from observatoire.formatting import fmt_number, fmt_percent
from observatoire.ui import loaders, screen, selection
from observatoire.ui.neighbourhoods import SORTS, display_ranking, display_unranked, map_figures
from observatoire.ui.support import show_support
from observatoire.viz import maps

results = loaders.current_results()
st.title("Quartiers à cibler")
if not results.geography.has_iris or results.territory.covariates is None:
    st.info(f"Pas de classement par quartier pour {results.territory.name} : le territoire ne fournit pas de contours "
            "IRIS ou pas de covariables par IRIS (indispensables au modèle sur petits domaines).")
    st.stop()
if results.areas.empty and results.areas_note:
    st.info(results.areas_note + " Les estimations directes par IRIS sont sur la page « Carte ».")
    st.stop()
if results.areas.empty:
    st.info("Aucune estimation par IRIS : l'échantillon chargé est vide ou non valide (voir la page « Données »).")
    st.stop()

settings, geography = results.settings, results.geography
communes = geography.commune_names()
left, middle, right = st.columns([3, 4, 2])
commune = left.selectbox("Commune", [None, *sorted(set(results.areas["commune"]), key=communes.get)],
                         format_func=lambda c: f"Ensemble {results.territory.of_name()}" if c is None else communes.get(c, c))
by = middle.radio("Classer par", list(SORTS), format_func=SORTS.get, horizontal=True)
k = right.number_input("Quartiers à retenir", min_value=1, max_value=len(results.areas), value=min(20, len(results.areas)),
                       step=5, help="Le nombre de quartiers où vous pouvez agir (k) : il fixe les priorités 1, 2 et 3.")

ranked = loaders.ranking(results, by, int(k), commune)
k = ranked.attrs["k"]
where = results.territory.short_name if commune is None else communes.get(commune, commune)
listed = display_ranking(ranked, geography, settings)
tiers = ranked["tier"].value_counts()
st.markdown(f"**{fmt_number(tiers.get(1, 0))} quartiers en priorité 1 et {fmt_number(tiers.get(2, 0))} en priorité 2** "
            f"pour {k} quartiers à retenir dans {where}, classés par {labels.CRITERIA_PHRASES[by]}.")
st.caption(labels.tier_rule(k))
st.caption(labels.rank_interval_sentence(ranked.iloc[0]))
st.markdown(glossary.app_links(("iris", "estimation-par-modele", "intervalle-de-confiance", "rang", "priorite",
                               "indice-de-fragilite", "decile", "estimation-directe", "effectif", "chiffre-fragile",
                               "donnee-non-diffusee", "lieu-de-mediation")))
if "support_distance_m" in ranked:
    limit = settings["support_distance_m"]
    st.caption(f"{fmt_percent(share_beyond(ranked, limit), 0)} des personnes en difficulté estimées vivent dans un IRIS "
               f"dont le centre est à plus de {labels.distance_text(limit)} du lieu de médiation numérique le plus proche.")

chosen = selection.selected(list(ranked["domain"])) or ranked["domain"].iloc[0]
map_column, why_column = st.columns([3, 2])
with map_column:
    figures = map_figures(ranked, geography)
    size = screen.map_frame(geography.iris_shapes, 3 / 5, 460)
    deck = maps.priority_map(figures, geography.iris_shapes, places=results.support.places if results.support else None,
                             selected=chosen, borders=geography.commune_shapes, size=size)
    # A keyed map keeps the view it first drew: the size in its key redraws it fitted once the
    # screen's width is known (ui.screen).
    map_key = f"quartiers_map_{size[0]}x{size[1]}"
    st.pydeck_chart(deck, height=size[1], key=map_key, on_select=partial(selection.from_map, map_key),
                    selection_mode="single-object",
                    alt=f"Carte des priorités par IRIS ({where}) : {fmt_number(tiers.get(1, 0))} IRIS en priorité 1, "
                        f"{fmt_number(tiers.get(2, 0))} en priorité 2 ; la liste ci-dessous donne les mêmes informations.")
    st.caption("Bleu foncé : priorité 1 ; bleu-vert : priorité 2 ; jaune pâle : priorité 3 ; gris : non classé ou hors "
               "de la commune choisie. Contour noir épais : le quartier expliqué à droite. Cliquez sur un quartier "
               "pour l'expliquer.")
    show_support(results.support)
with why_column:
    options = list(ranked["domain"])
    names = dict(zip(geography.iris["code"], geography.iris["name"]))
    if st.session_state.get("quartiers_pick") != chosen:
        st.session_state["quartiers_pick"] = chosen
    st.selectbox("Quartier expliqué", options, key="quartiers_pick",
                 format_func=lambda c: f"{names.get(c, c)} ({communes.get(c[:5], '')})",
                 on_change=lambda: selection.choose(st.session_state["quartiers_pick"]))
    row = ranked.set_index("domain").loc[chosen]
    st.subheader(f"Pourquoi {names.get(chosen, chosen)} ?")
    if row["flags"] and row["flags"][0] == "small_population":
        st.write(f"Non classé : {labels.flag_label('small_population', settings)}.")
    else:
        st.write(labels.rank_sentence(row, int(ranked["rank"].notna().sum()), k, by))
    for sentence in labels.why_sentences(row, settings, "IRIS", "IRIS"):
        st.write(sentence)
    st.write(f"Environ {fmt_number(round(row['count'], -1))} personnes en difficulté parmi "
             f"{fmt_number(row['population_15plus'])} habitants de 15 ans ou plus.")
    if "support_distance_m" in row:
        st.write(f"Lieu de médiation numérique le plus proche : {labels.distance_text(row['support_distance_m'])} "
                 "du centre de l'IRIS (à vol d'oiseau).")
    st.caption(f"Indice de fragilité : {fmt_number(row['fragility_index'], 1)} sur 10, moyenne des déciles :")
    st.table(labels.component_rows(row))

st.subheader("La liste")
st.caption("Cliquez sur une ligne pour expliquer ce quartier et le repérer sur la carte.")
st.dataframe(listed, key="quartiers_list", hide_index=True, width="stretch", height=420,
             on_select=partial(selection.from_row, "quartiers_list", list(listed.index)), selection_mode="single-row")
unranked = display_unranked(ranked, geography, settings)
if not unranked.empty:
    with st.expander(f"{fmt_number(len(unranked))} IRIS non classés (trop peu d'habitants)"):
        st.table(unranked.set_index("IRIS"))

left, right = st.columns(2)
stem = f"quartiers_{by}_{commune or 'territoire'}"
provenance = exports.source_lines(max(results.waves), results.territory)
left.download_button("Liste CSV", data=lambda: exports.list_csv(ranked, geography, settings),
                     file_name=export.download_name(stem, "csv", results.is_demo), mime=export.MIME["csv"],
                     on_click="ignore")
right.download_button("Liste XLSX", data=lambda: exports.list_xlsx(ranked, geography, settings, provenance=provenance,
                                                                   demo=results.demo_note),
                      file_name=export.download_name(stem, "xlsx", results.is_demo), mime=export.MIME["xlsx"],
                      on_click="ignore")

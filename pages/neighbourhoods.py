"""Quartiers: IRIS ranked for targeting (share, count or fragility index) with rank intervals, and downloads."""

import streamlit as st

from observatoire import export, labels, targeting
from observatoire.ui import loaders
from observatoire.ui.neighbourhoods import SORTS, display_ranking

results = loaders.current_results()
st.title("Quartiers à cibler")
if not results.geography.has_iris or results.territory.covariates is None:
    st.info(f"Pas de classement par quartier pour {results.territory.name} : le territoire ne fournit pas de contours "
            "IRIS ou pas de covariables par IRIS (indispensables au modèle sur petits domaines).")
    st.stop()
if results.areas.empty:
    st.info("Aucune estimation par IRIS : l'échantillon chargé est vide ou non valide (voir la page « Données »).")
    st.stop()

communes = results.geography.commune_names()
left, middle, right = st.columns([3, 4, 2])
commune = left.selectbox("Commune", [None, *sorted(set(results.areas["commune"]), key=communes.get)],
                         format_func=lambda c: f"Ensemble {results.territory.of_name()}" if c is None else communes.get(c, c))
by = middle.radio("Classer par", list(SORTS), format_func=SORTS.get, horizontal=True)
top = right.number_input("Nombre de quartiers", min_value=5, max_value=len(results.areas), value=20, step=5)

# The ranking (a rank simulation) and its table are the same for every visitor: computed once.
choice = ("quartiers", by, int(top), commune)
ranked = loaders.shared(results, choice, lambda: targeting.rank_areas(results.areas, by, top=int(top), commune=commune))
where = results.territory.short_name if commune is None else communes.get(commune, commune)
st.caption(
    f"{len(ranked)} premiers IRIS de {where}, classés par {targeting.BY_LABELS_FR[by]}. Les parts sont des "
    "estimations sur petits domaines (modèle de Fay-Herriot) : l'intervalle de rang dit entre quelles places "
    f"un IRIS se situe avec 95 % de probabilité ({ranked.attrs['n_draws']} tirages simulés). Deux IRIS dont les "
    "intervalles se chevauchent ne sont pas nettement départagés."
)
st.table(loaders.shared(results, (*choice, "table"), lambda: display_ranking(ranked).set_index("Rang")))
left, right = st.columns(2)
stem = f"quartiers_{by}_{commune or 'territoire'}"
left.download_button("Liste CSV", data=lambda: targeting.list_csv(ranked),
                     file_name=export.download_name(stem, "csv", results.is_demo), mime=export.MIME["csv"],
                     on_click="ignore")
right.download_button("Liste XLSX", data=lambda: targeting.list_xlsx(ranked, demo=results.demo_note),
                      file_name=export.download_name(stem, "xlsx", results.is_demo), mime=export.MIME["xlsx"],
                      on_click="ignore")

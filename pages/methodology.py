"""Méthodologie: generated from the survey description, the settings and the results' diagnostics."""

import streamlit as st

from observatoire.indicators import progress
from observatoire.methodology import (
    design_table,
    disclosure_rules,
    interval_rules,
    margins_table,
    progress_thresholds,
    settings_table,
    small_area_rules,
    weighting_table,
)
from observatoire import glossary
from observatoire.ui import loaders, screen

results = loaders.current_results()
spec, values = results.spec, results.settings


def bullets(lines: list[str]) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines))


st.title("Méthodologie")
st.markdown(
    "Cette page est produite à partir de la description de l'enquête, des réglages de l'observatoire et des "
    "diagnostics du dernier calcul : aucun chiffre n'y est recopié à la main."
)
st.markdown(glossary.app_links(("ponderation", "intervalle-de-confiance", "effectif", "coefficient-de-variation",
                               "chiffre-fragile", "donnee-non-diffusee", "estimation-par-modele", "iris",
                               "lieu-de-mediation", "statut", "cible-2026")))

st.header("Plan de sondage et pondération")
st.table(design_table(spec, values))

st.subheader("Marges de calage")
st.markdown(
    f"Les poids de chaque vague sont {glossary.app_link('ponderation', 'calés')} sur les {spec.population_fr} "
    "(recensement)."
)
st.table(margins_table(spec))

st.subheader("Diagnostics des poids, par vague")
if results.weighting.empty:
    st.info("Aucun diagnostic : aucune donnée d'enquête valide n'est chargée.")
else:
    st.table(weighting_table(results.weighting))
    st.caption(
        "L'effet de plan de Kish mesure la perte de précision due à la dispersion des poids ; "
        "la taille efficace est le nombre de répondants d'un échantillon non pondéré de même précision."
    )

st.header("Intervalles de confiance, fiabilité et secret statistique")
bullets(interval_rules(values, results.estimates))
bullets(disclosure_rules(values, results.estimates))
if not results.areas.empty:
    bullets(small_area_rules(values))
elif results.areas_note:
    st.markdown(results.areas_note)
st.subheader("Tous les réglages")
with screen.folded_on_phone("Voir le tableau des réglages"):  # long: folded on a phone
    st.table(settings_table(values))

st.header("Mesure des progrès des engagements")
st.markdown(
    f"Méthode : {progress.CITATION}. Avec une cible, R est le rapport entre le taux de croissance annuel "
    "observé depuis l'année de base et celui qu'il faudrait pour atteindre la cible ; sans cible, P est "
    "le taux de croissance annuel observé, corrigé par C lorsque l'indicateur approche une limite naturelle."
)
st.table(progress_thresholds())

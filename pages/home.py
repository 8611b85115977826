"""Accueil: headline figures of the latest wave, commitments by status, the sample as it is."""

import streamlit as st

from observatoire.formatting import fmt_number
from observatoire.ui import labels, loaders
from observatoire.ui.tables import sample_table

results = loaders.current_results()
st.title("Observatoire du numérique — Accueil")

st.header("L'échantillon")
report = results.validation
if report.ok:
    st.success(f"Fichier « {results.source} » valide : {fmt_number(report.n_rows)} réponses.")
else:
    st.error(f"Fichier « {results.source} » non valide : {fmt_number(len(report.findings))} problèmes. Voir la page « Données ».")
if results.sample_counts.empty:
    st.info("Aucune réponse à afficher : l'échantillon chargé est vide.")
else:
    st.caption("Nombre de répondants par commune et par vague d'enquête (non pondéré).")
    st.table(sample_table(results.sample_counts, labels.commune_names()))

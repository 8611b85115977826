"""Accueil: headline figures of the latest wave, commitments by status, the sample as it is."""

import streamlit as st

from observatoire import council, glossary
from observatoire.formatting import ci_long, fmt_number
from observatoire.ui import components, loaders
from observatoire.ui.tables import sample_table, status_counts

results = loaders.current_results()
spec = results.spec
st.title(f"Observatoire du numérique — {results.territory.name}")
st.markdown(
    f"Inégalités d'accès et d'usage du numérique des habitants {results.territory.of_name()}, mesurées par enquête, "
    "et suivi des engagements pour un numérique responsable. Chaque chiffre est donné avec son "
    f"{ci_long(results.settings['ci_level'])} et le nombre de répondants sur lequel il repose."
)
st.markdown(glossary.app_links(("intervalle-de-confiance", "effectif", "ponderation", "chiffre-fragile",
                               "donnee-non-diffusee", "marge-d-erreur", "vague")))

figures = loaders.shared(results, ("accueil", "headline"), lambda: council.figures(results))
if not figures:
    st.info("Aucun chiffre clé : l'enquête chargée ne contient aucune réponse exploitable.")
else:
    st.header(f"Chiffres clés — vague {figures[0].change.wave}")
    for column, item in zip(st.columns(len(figures)), figures):
        with column:
            components.figure_card(item.change.latest, item.label, help=item.description, change=item.change,
                                    level=results.settings["ci_level"])

st.header("Engagements numérique responsable")
progress = results.progress
illustrative = int(progress["illustrative"].sum())
st.markdown(
    f"Où en sont les {len(progress)} engagements à l'horizon 2026, d'après la dernière valeur connue de leur "
    f"indicateur ({illustrative} sont des exemples illustratifs, signalés comme tels). Détail page « Engagements »."
)
st.table(loaders.shared(results, ("accueil", "statuses"), lambda: status_counts(progress)))

st.header("L'échantillon")
report = results.validation
if report.ok:
    # The survey by what it is, not its file name (an upload is named by the banner above).
    st.success(f"Enquête valide : {fmt_number(report.n_rows)} réponses.")
else:
    st.error(f"Enquête non valide : {fmt_number(report.total)} problèmes. Voir la page « Données ».")
if results.sample_counts.empty:
    st.info("Aucune réponse à afficher : l'échantillon chargé est vide.")
else:
    st.caption("Nombre de répondants par commune et par vague d'enquête (non pondéré).")
    st.table(loaders.shared(results, ("accueil", "sample"),
                            lambda: sample_table(results.sample_counts, results.geography.commune_names())))

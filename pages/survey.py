"""Enquête: one question, one breakdown → table and bar chart with CI; compare two groups or waves."""

import streamlit as st

from observatoire import glossary, labels
from observatoire.formatting import WITHHELD
from observatoire.pipeline import survey_variables
from observatoire.ui import components, loaders
from observatoire.ui.tables import chosen_rows, comparison_text, group_names
from observatoire.viz.charts import bar_chart

results = loaders.current_results()
spec = results.spec
st.title("Enquête")
if results.design is None:
    st.info("Aucune donnée d'enquête valide à afficher : chargez un fichier valide dans la page « Données ».")
    st.stop()

variable = st.selectbox("Question", survey_variables(spec), format_func=lambda v: labels.variable_label(spec, v))
st.caption(spec.derived[variable].description_fr if variable in spec.derived else spec.questions_fr[variable])
levels = ["1"] if variable in spec.derived else [str(code) for code in spec.labels_fr[variable]]
if len(levels) == 1:  # a derived 0/1 indicator: nothing to choose (no greyed, unreadable widget)
    level = levels[0]
else:
    level = st.selectbox("Réponse", levels, format_func=lambda v: labels.level_label(spec, variable, v))
left, right = st.columns(2)
breakdown = left.selectbox("Répartition", list(labels.BREAKDOWNS), format_func=labels.BREAKDOWNS.get)
wave = None if breakdown == "wave" else right.selectbox("Vague", results.waves[::-1], format_func=lambda w: f"Vague {w}")

table = loaders.question_table(results, variable, "overall" if breakdown == "wave" else breakdown)
rows = chosen_rows(table, level, breakdown, wave)
subject = f"{labels.variable_label(spec, variable)} : « {labels.level_label(spec, variable, level)} »"
if rows.empty:
    st.info(f"Personne n'a répondu « {labels.level_label(spec, variable, level)} » dans les données chargées.")
    st.stop()

group_labels = labels.group_labels(spec, results.geography, breakdown)
rows = labels.display_order(rows, breakdown, group_labels)  # communes by value, groups in the codebook's order
named = rows.assign(groupe=group_names(rows, group_labels))
ci_level = results.settings["ci_level"]  # not `level`: that is the chosen answer
st.altair_chart(bar_chart(named, label="groupe", title=subject, level=ci_level), width="stretch")
where = "" if wave is None else f", vague {wave}"
components.estimate_table(rows, group_labels, f"{subject}{where} : {labels.population_note(spec, variable, rows if breakdown != 'wave' else None)}", ci_level)
st.markdown(glossary.app_links(("intervalle-de-confiance", "effectif", "ponderation", "chiffre-fragile",
                               "donnee-non-diffusee")))
withheld = int((rows["flag"] == "withheld").sum())
if withheld:
    st.caption(f"{withheld} groupe(s) sans barre : {WITHHELD} (moins de {results.settings['reliability_withhold_n']} répondants).")

st.subheader("Comparer deux groupes" if breakdown != "wave" else "Comparer deux vagues")
shown = named[named["flag"] != "withheld"]
names = dict(zip(shown["domain"].astype(str), shown["groupe"]))
if breakdown == "overall":
    st.info("Pour comparer deux groupes ou deux vagues, choisissez une répartition (commune, âge, sexe, diplôme ou vague).")
    st.stop()
if len(names) < 2:
    st.info("Il faut au moins deux groupes diffusés pour comparer.")
    st.stop()
a, b = st.columns(2)
options = list(names)[::-1] if breakdown == "wave" else list(names)  # waves: the latest first
first = a.selectbox("Premier groupe", options, format_func=names.get)
second = b.selectbox("Second groupe", options, index=1, format_func=names.get)
if breakdown == "wave":  # a change is said as the later wave minus the earlier one
    first, second = sorted((first, second), key=int, reverse=True)
if first == second:
    st.info("Choisissez deux groupes différents.")
else:
    difference = loaders.comparison(results, variable, level, breakdown, first, second, wave).iloc[0]
    st.markdown(comparison_text(difference, names[first], names[second], ci_level))

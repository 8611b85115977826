"""Comprendre les chiffres: the glossary (observatoire.glossary), one entry per term with its anchor."""

import streamlit as st

from observatoire import glossary
from observatoire.ui import loaders

results = loaders.current_results()
territory = results.territory
st.title(glossary.TITLE)
st.markdown(glossary.INTRO)
for term in glossary.entries(territory.name, territory.of_name(), len(results.geography.communes),
                               results.is_demo):
    st.subheader(term.title, anchor=term.anchor)
    st.markdown(term.definition)

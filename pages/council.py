"""Présentation: the council sequence, one figure per screen (`?ecran=N`), ← → between screens."""

import streamlit as st

from observatoire.ui import loaders, presentation

results = loaders.current_results()
presentation.apply_style()
screens = presentation.screens(results)
if not screens:
    st.title("Présentation")
    st.info("Rien à présenter : aucune estimation ni aucun engagement dans les données chargées (voir la page « Données »).")
    st.stop()
number = presentation.current(len(screens))
screen = screens[number - 1]
st.title(f"Présentation · {results.territory.name}")
presentation.navigation(number, len(screens), results)  # on top: the buttons stay in place from screen to screen
st.header(screen.title, anchor=False)
presentation.show(screen, results)

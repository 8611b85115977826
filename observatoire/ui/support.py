"""The places of digital mediation on a page: how many are drawn, and the file's findings in French."""

from __future__ import annotations

import streamlit as st

from observatoire.areas.support import SCHEMA_NAME, SupportPlaces
from observatoire.formatting import fmt_number
from observatoire.ui.tables import findings_rows


def show_support(support: SupportPlaces | None) -> None:
    """One caption (places drawn), and the findings on the file in an expander."""
    if support is None:
        st.caption("Pas de fichier des lieux de médiation numérique pour ce territoire : la carte ne montre pas où "
                   "l'accompagnement existe déjà.")
        return
    st.caption(f"Points noirs : {fmt_number(len(support.places))} lieux de médiation numérique ({SCHEMA_NAME}).")
    if support.findings:
        with st.expander(f"Fichier des lieux : {fmt_number(len(support.findings))} problème(s) à corriger"):
            st.caption("Les lieux sans coordonnées valides dans le territoire ne sont ni placés ni comptés dans les "
                       "distances. Le fichier n'a pas été modifié.")
            st.dataframe(findings_rows(support.findings), hide_index=True, width="stretch")

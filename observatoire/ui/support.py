"""The places of digital mediation on a page: how many are drawn, and the file's findings in French."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from observatoire.areas.support import SCHEMA_NAME, SupportPlaces
from observatoire.formatting import fmt_number
from observatoire.ui.components import FINDING_COLUMNS


def findings_frame(support: SupportPlaces) -> pd.DataFrame:
    """One row per finding: row (or « fichier entier »), column, value, problem, what to do."""
    rows = pd.DataFrame([f.to_dict() for f in support.findings], columns=list(FINDING_COLUMNS))
    rows["row"] = [fmt_number(r) if pd.notna(r) else "fichier entier" for r in rows["row"]]
    return rows.fillna("–").rename(columns=FINDING_COLUMNS)


def show_support(support: SupportPlaces | None) -> None:
    """One caption (places drawn), and the findings on the file in an expander."""
    if support is None:
        st.caption("Pas de fichier des lieux de médiation numérique pour ce territoire (clé support.file de "
                   "observatoire.yaml) : la carte ne montre pas où l'accompagnement existe déjà.")
        return
    st.caption(f"Points noirs : {fmt_number(len(support.places))} lieux de médiation numérique du fichier "
               f"« {support.file} » ({SCHEMA_NAME}).")
    if support.findings:
        with st.expander(f"Fichier des lieux : {fmt_number(len(support.findings))} problème(s) à corriger"):
            st.caption("Les lieux sans coordonnées valides dans le territoire ne sont ni placés ni comptés dans les "
                       "distances. Le fichier n'a pas été modifié.")
            st.dataframe(findings_frame(support), hide_index=True, width="stretch")

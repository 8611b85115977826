"""One selected area shared by the list and the map of a page, kept in the URL (`?iris=CODE`) so
that a link opens the same area. Streamlit lets neither a dataframe nor a pydeck chart be
selected from code, so each widget's callback writes the query parameter and both are drawn
from it (the map outlines the area, the page explains it)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

PARAMETER = "iris"


def selected(codes: Sequence[str]) -> str | None:
    """The area in the URL, if it is one of `codes`."""
    code = st.query_params.get(PARAMETER)
    return code if code in set(codes) else None


def choose(code: str | None) -> None:
    if code is None:
        st.query_params.pop(PARAMETER, None)
    else:
        st.query_params[PARAMETER] = code


def from_row(table_key: str, codes: Sequence[str]) -> None:
    """Callback of the list (`st.dataframe(..., on_select=...)`): the clicked row's area."""
    rows = st.session_state[table_key].selection.rows
    if rows:
        choose(codes[rows[0]])


def from_map(map_key: str, layer: str = "areas") -> None:
    """Callback of the map (`st.pydeck_chart(..., on_select=...)`): the clicked area."""
    objects = st.session_state[map_key].selection.objects.get(layer, [])
    if objects:
        choose(objects[0]["properties"]["code"])

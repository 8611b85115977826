"""The Engagements page's Streamlit pieces: status badges and the commitment lines of the list.

Badges carry an icon and the status in words, never colour alone. The text, tables, chart and
workbooks come from `observatoire.commitments` (Streamlit-free).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from observatoire.commitments import divergence_line, headline_line

# status -> (badge colour, Material icon); the label comes from the progress table (status_label).
BADGES = {
    "target_achieved": ("green", ":material/check_circle:"),
    "on_track": ("blue", ":material/trending_up:"),
    "moderate": ("orange", ":material/trending_flat:"),
    "insufficient": ("red", ":material/warning:"),
    "moving_away": ("red", ":material/trending_down:"),
    "not_available": ("gray", ":material/help:"),
}


def status_badge(row: Mapping) -> None:
    """A badge with an icon and the status in words (colour is only a reminder)."""
    colour, icon = BADGES.get(row["status"], BADGES["not_available"])
    st.badge(row["status_label"], icon=icon, color=colour)


def open_detail(indicator_id: str) -> None:
    st.query_params["id"] = indicator_id


def commitment_line(row: Mapping, key: str, large: bool = False) -> None:
    """One commitment in the list: status badge, title, latest value and target, link to its card."""
    with st.container(border=True):
        text, action = st.columns([6, 1], vertical_alignment="center")
        with text:
            status_badge(row)
            title = f"{row['id']} · {row['title']}"
            st.markdown(f"### {title}\n{headline_line(row)}" if large else f"**{title}**  \n{headline_line(row)}")
            if warning := divergence_line(row):
                st.caption(warning)
        action.button(f"Fiche {row['id']}", key=key, on_click=open_detail, args=(row["id"],))

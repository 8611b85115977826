"""The map legend: class colours with their ranges in words, plus the withheld grey and the
fragile outline (so that nothing is told by colour alone)."""

from __future__ import annotations

import html

import streamlit as st

from observatoire.viz.legend import FRAGILE_OUTLINE, Classes

SWATCH = ("display:inline-block;width:1.1em;height:1.1em;vertical-align:middle;margin-right:0.4em;"
          "border:{border};background:{fill}")


def legend_html(classes: Classes, title: str) -> str:
    """A titled list (read as a list by screen readers) of the legend entries."""
    items = [(SWATCH.format(border="1px solid #595959", fill=e.colour), e.label) for e in classes.legend()]
    items.append((SWATCH.format(border=f"3px dashed {FRAGILE_OUTLINE}", fill="transparent"),
                  "contour tireté : estimation fragile, à interpréter avec prudence"))
    lines = "".join(
        f'<li style="list-style:none;margin:0.15em 0"><span aria-hidden="true" style="{style}"></span>'
        f"{html.escape(label)}</li>"
        for style, label in items
    )
    return f'<p style="margin-bottom:0.2em"><strong>{html.escape(title)}</strong></p><ul style="padding-left:0">{lines}</ul>'


def show_legend(classes: Classes, title: str) -> None:
    st.markdown(legend_html(classes, title), unsafe_allow_html=True)

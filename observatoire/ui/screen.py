"""What the visitor's screen is: the width pages lay out for, and the menu closing after a choice.

Maps are fitted to the territory for the width they are drawn at (`viz.maps.view_state`), which
only the browser knows. A small local component (`st.components.v2`: no iframe, no outside
request) measures the page's content width when it mounts and when the window is resized, and
sends it to the server; pages read it with `content_width()` (None until it is known, i.e. on
the first run of a session's first page, which then reruns once).

Streamlit closes its menu after a choice only when the user agent reads « mobile » (not a
narrow desktop window, a tablet in desktop mode, a phone asking for the desktop site): the same
component closes it, through Streamlit's own collapse button, whenever the menu covers the page
(window narrower than Streamlit's `md` breakpoint, 768 px).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import streamlit as st

from observatoire.viz import maps

KEY = "screen"
# Streamlit stacks columns in windows up to 640 px wide (its `columns` breakpoint), where the
# page keeps 1 rem of margin on each side: content narrower than 608 px.
STACKED_BELOW_PX = 608
COLUMN_GAP_PX = 16  # st.columns' default gap (1 rem)
PHONE_MAP_MIN_HEIGHT = 280
# A resize smaller than this does not change a map's fit enough to be worth a rerun.
TOLERANCE_PX = 16

_JS = """
export default function ({ data, setStateValue }) {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const width = () => {
    const style = getComputedStyle(main);
    return Math.round(main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
  };
  let known = data.width;
  const report = () => {
    const now = width();
    if (known === null || Math.abs(now - known) >= data.tolerance) { known = now; setStateValue("width", now); }
  };
  let timer;
  const resized = () => { clearTimeout(timer); timer = setTimeout(report, 300); };
  report();
  window.addEventListener("resize", resized);
  if (!window.observatoireMenu) {
    window.observatoireMenu = true;
    document.addEventListener("click", (event) => {
      if (window.innerWidth >= 768 || !event.target.closest('[data-testid="stSidebarNav"] a')) return;
      setTimeout(() => document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click(), 0);
    });
  }
  return () => { clearTimeout(timer); window.removeEventListener("resize", resized); };
}
"""

_component = st.components.v2.component("observatoire_screen", js=_JS)


def mount() -> None:
    """Once per run, in the menu (where it takes no room in the page)."""
    with st.sidebar:
        _component(key=KEY, data={"width": content_width(), "tolerance": TOLERANCE_PX},
                   default={"width": None}, height=0, on_width_change=lambda: None)


def content_width() -> int | None:
    """The page's content width in CSS pixels, once the browser has said it."""
    state = st.session_state.get(KEY)
    width = state.get("width") if state is not None else None
    return int(width) if width else None


def stacked(width: int | None) -> bool:
    """Whether Streamlit stacks columns at this content width (a phone)."""
    return width is not None and width < STACKED_BELOW_PX


def map_frame(geometry: dict, share: float, height: int) -> tuple[int, int]:
    """Width and height of a map drawn in a column holding `share` of the page's width (between
    two columns), of `height` px: on a phone the column takes the whole width and the map's
    height is the territory's, fitted to that width (not above `height`)."""
    width = content_width()
    if width is None:
        return maps.DEFAULT_SIZE[0], height
    if stacked(width):
        return width, maps.fitted_height(geometry, width, PHONE_MAP_MIN_HEIGHT, height)
    return int((width - COLUMN_GAP_PX) * share), height


def folded_on_phone(label: str) -> AbstractContextManager:
    """A long block shown as is on a wide screen and folded under `label` on a phone."""
    return st.expander(label) if stacked(content_width()) else nullcontext()

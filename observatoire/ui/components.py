"""Page components shared by every page (stable API: other pages call these).

- `source_banner(results)`: which inputs are demonstration data (nothing when all are real), and
  the name of the session's own file.
- `figure_card(row, label, help=None, change=None)`: one estimate-table row as a headline share
  with its 95 % CI, n and reliability, and its change since the previous wave.
- `estimate_table(table, group_labels, caption)`: an estimate table as an accessible HTML table;
  withheld rows read « donnée non diffusée », fragile ones « ⚠ à interpréter avec prudence »
  (`display_estimates` builds it, `shown_table` shows it: to build it once for every visitor).
- `SerializedDeck(deck)`: a pydeck map serialized once, for `st.pydeck_chart`.
- `findings_table(report)`: a validation report as a French table (ligne, colonne, valeur, …),
  with its CSV download.
- `plain(text)`: text from a user (file name, cell value) made literal for any Markdown element.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping

import pandas as pd
import pydeck as pdk
import streamlit as st

from observatoire.export import MIME, csv_bytes
from observatoire.formatting import WITHHELD, ci_short, fmt_interval, fmt_number, fmt_points
from observatoire.pipeline import Results
from observatoire.trends import WaveChange
from observatoire.ui.tables import FLAG_TEXT, GROUP, display_table, findings_rows, shown_estimate
from observatoire.validation import ValidationReport


# Streamlit 1.67 writes the file uploader's button and instructions in English (« Upload »,
# « 50MB per file • CSV »), with no option to change them: the instructions are hidden (the page
# states the formats and the limit in French) and the button shows French text instead. The button
# stays (the only keyboard way to choose a file); its English text is kept, at size 0, so that it
# keeps a name for axe; screen readers read both.
UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button p::after { content: "Choisir un fichier"; font-size: 1rem; }
</style>"""


def file_uploader(label: str, types: list[str], key: str):
    """`st.file_uploader` with French texts only (UPLOADER_CSS)."""
    st.html(UPLOADER_CSS)
    return st.file_uploader(label, type=types, key=key)


def source_banner(results: Results, upload: str | None, compact: bool = False) -> None:
    """`upload`: the session's own survey file name, if any; `compact`: only the sentence naming
    the demonstration inputs (the projected presentation; other pages add the real ones)."""
    if upload is not None:
        st.info(f"Résultats calculés sur votre fichier « {plain(upload)} », pour cette session uniquement.")
    if results.demo_note and compact:
        st.warning(results.demo_line, icon=":material/warning:")
    elif results.demo_note:
        st.warning(results.demo_note)


# Every ASCII punctuation character: CommonMark lets each be escaped with a backslash.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: str) -> str:
    """`text` shown as typed by st.markdown, st.info, st.error…: Markdown, Streamlit's directives
    and LaTeX are escaped, so a file named `![x](http://…)` shows its name and fetches nothing."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def figure_card(row: Mapping, label: str, help: str | None = None, change: WaveChange | None = None,
                level: float = 0.95) -> None:
    """A headline share (an estimate-table row): the value (or « donnée non diffusée »), then CI,
    n and reliability in words; with `change`, the previous wave and the change in points with
    its interval (« −0,7 point depuis 2022 »), never coloured as good or bad news."""
    delta, arrow = None, "off"
    if change is not None and change.difference is not None:
        delta = f"{fmt_points(change.difference)} depuis {change.previous_wave}"
        # The sign is a typographic minus, which Streamlit does not read: the arrow is said explicitly.
        arrow = "off" if delta.startswith("0") else ("down" if change.difference < 0 else "up")
    st.metric(label, shown_estimate(row), delta=delta, delta_color="off", delta_arrow=arrow, help=help, border=True)
    n = f"n = {fmt_number(row['n_unweighted'])} répondants"
    if row["flag"] == "withheld":
        st.caption(f"{n} : trop peu de répondants ou estimation trop imprécise, {WITHHELD}.")
        return
    st.caption(f"En {int(row['wave'])}, {ci_short(level)} : {fmt_interval(row['ci_low'], row['ci_high'])} · {n} · {FLAG_TEXT[row['flag']]}")
    if change is not None and change.previous is not None:
        parts = [f"En {change.previous_wave} : {change.previous_text().rsplit(' en ', 1)[0]}", change.change_interval(), change.verdict()]
        st.caption(" · ".join(part for part in parts if part))


def estimate_table(table: pd.DataFrame, group_labels: Mapping[str, str], caption: str, level: float = 0.95) -> None:
    """Shares by group, with CI (at `level`), n and reliability (a real table: read by screen readers)."""
    shown_table(display_estimates(table, group_labels, level), caption)


def display_estimates(table: pd.DataFrame, group_labels: Mapping[str, str], level: float = 0.95) -> pd.DataFrame:
    """The table `estimate_table` shows (build it once, show it with `shown_table`)."""
    return display_table(table, group_labels, level).set_index(GROUP)


# Tables longer than this are folded in an expander (about two phone screens at 390 px wide).
LONG_TABLE_ROWS = 30


def shown_table(display: pd.DataFrame, caption: str) -> None:
    st.caption(caption)
    st.table(display)


class SerializedDeck:
    """A pydeck map serialized once: `st.pydeck_chart` calls `to_json()` on every run, which costs
    more than the rest of a map page when the map is shared by every visitor (`loaders.shared`).
    `fitted(view)` is the same map with another initial view (each visitor's screen width), the
    layers not serialized again."""

    layers = ()  # nothing left for Streamlit to convert

    def __init__(self, deck: pdk.Deck) -> None:
        view, deck.initial_view_state = deck.initial_view_state, None
        try:
            self._body = deck.to_json()  # pydeck's JSON object, without its "initialViewState"
        finally:
            deck.initial_view_state = view
        self._view = json.loads(pdk.Deck(initial_view_state=view).to_json())["initialViewState"]
        self._tooltip = getattr(deck, "_tooltip", None)

    def fitted(self, view: Mapping) -> SerializedDeck:
        fitted = copy.copy(self)
        fitted._view = dict(view)
        return fitted

    def to_json(self) -> str:
        return '{"initialViewState": ' + json.dumps(self._view) + ", " + self._body.lstrip()[1:]


def findings_table(report: ValidationReport, limit: int = 200) -> None:
    """The validation report in French: summary, then one row per finding (first `limit`), and
    the listed findings as a CSV file (formula text neutralised like every export)."""
    if report.ok:
        st.success(plain(report.summary_fr()))
        return
    st.error(plain(report.summary_fr()))
    st.dataframe(findings_rows(report.findings[:limit]), hide_index=True, width="stretch")
    if report.total > limit:
        st.caption(f"{fmt_number(min(limit, len(report.findings)))} premiers problèmes sur {fmt_number(report.total)}.")
    st.download_button(f"Télécharger les {fmt_number(len(report.findings))} premiers problèmes (CSV)"
                       if report.total > len(report.findings) else "Télécharger le rapport de validation (CSV)",
                       data=lambda: csv_bytes(findings_rows(report.findings)), file_name="rapport_validation.csv",
                       mime=MIME["csv"], on_click="ignore")


"""The data edge of the app: the only place that runs the pipeline, cached by input content.

Pages call `current_results()`: the session's own upload when the Données page has stored one
(`UPLOAD_KEY` in st.session_state, this session only), else the demonstration data. Tests inject
a `Results` by setting `st.session_state[UPLOAD_KEY]` before running a page.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from observatoire.pipeline import Inputs, Results, run

UPLOAD_KEY = "observatoire_upload"


@dataclass(frozen=True)
class Upload:
    """A session's uploaded file: its name, content hash and the results computed from it."""

    name: str
    digest: str
    results: Results


def current_results() -> Results:
    upload = st.session_state.get(UPLOAD_KEY)
    return upload.results if upload is not None else demo_results()


def demo_results() -> Results:
    inputs = Inputs.demo()
    return _cached_run(inputs, inputs.fingerprint())


@st.cache_data(show_spinner="Calcul des résultats…", max_entries=2)
def _cached_run(_inputs: Inputs, fingerprint: str) -> Results:
    """Keyed by `fingerprint` (content hash of every input); `_inputs` is not hashed."""
    return run(_inputs)

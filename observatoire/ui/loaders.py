"""The data edge of the app: the only place that runs the pipeline, cached by input content.

Pages call `current_results()`: the session's own upload when the Données page has stored one
(`UPLOAD_KEY` in st.session_state, this session only), else the territory's own inputs (the
directory named by `OBSERVATOIRE_TERRITORY`, default the bundled example). Tests inject a
`Results` by setting `st.session_state[UPLOAD_KEY]` before running a page. What is computed
from a `Results`' design (other questions, comparisons, rankings) is kept under its
`fingerprint`: in `st.cache_data` (shared by all sessions) for the territory's results only; for
an upload, in this session's state, so that nothing computed from a user's file outlives their
session or reaches another one.

An upload's bytes are read once from the file uploader, checked, then dropped: the widget is
cleared (its key changes) and Streamlit's in-memory copy is released, so a session keeps only
what was computed from the file (for an invalid file, the first findings and their counts).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import pandas as pd
import streamlit as st

from observatoire.areas.ranking import rank_areas
from observatoire.errors import UserError
from observatoire.indicators.workbook import write_template
from observatoire.pipeline import Inputs, Results, compare_groups, question_estimates, run
from observatoire.territory import Territory, load_territory
from observatoire.ui.server import return_freed_memory

UPLOAD_KEY = "observatoire_upload"  # the valid upload every page shows
CHECKED_KEY = "observatoire_checked"  # the last file checked on the Données page, valid or not
UPLOADER_KEY = "observatoire_uploader"  # number in the file uploader's key: a new number empties it
MEMO_KEY = "observatoire_memo"  # tables computed from this session's upload
MEMO_ENTRIES = 64


@dataclass(frozen=True)
class Upload:
    """A session's uploaded file: its name, content hash and the results computed from it."""

    name: str
    digest: str
    results: Results


def current_results() -> Results:
    upload = st.session_state.get(UPLOAD_KEY)
    return upload.results if upload is not None else territory_results()


@dataclass(frozen=True)
class Refused:
    """A file that could not be read at all: its name and the French message."""

    name: str
    message: str
    hint: str


def check_upload(name: str, content: bytes) -> Upload | Refused:
    """Validate and compute an uploaded file, once per content, in this session's state only
    (never written to disk, never in a cache shared with other sessions). A valid file becomes
    the session's data for every page; the outcome, valid or not, is `last_check()`."""
    digest = hashlib.sha256(content).hexdigest()
    checked = st.session_state.get(CHECKED_KEY)
    if not isinstance(checked, Upload) or checked.digest != digest:
        try:
            checked = Upload(name, digest, run(Inputs.upload(territory(), name, content)))
        except UserError as err:
            checked = Refused(name, err.message, err.hint)
        finally:
            return_freed_memory()
        st.session_state[CHECKED_KEY] = checked
    if isinstance(checked, Upload) and checked.results.validation.ok:
        _forget_tables()
        st.session_state[UPLOAD_KEY] = checked
    return checked


def last_check() -> Upload | Refused | None:
    return st.session_state.get(CHECKED_KEY)


def uploader_key() -> str:
    """The file uploader's key: changed by `release_uploader` to give an empty widget."""
    return f"survey_upload_{st.session_state.get(UPLOADER_KEY, 0)}"


def release_uploader(uploaded) -> None:
    """Drop an uploaded file once read: Streamlit's copy of its bytes is freed now rather than at
    the end of the session, and the next run shows an empty uploader (so that « Revenir aux
    données du territoire » is not undone by the file still held by the widget)."""
    from streamlit.runtime import get_instance
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and uploaded is not None:
        get_instance().uploaded_file_mgr.remove_file(ctx.session_id, uploaded.file_id)
    st.session_state[UPLOADER_KEY] = st.session_state.get(UPLOADER_KEY, 0) + 1


def forget_upload() -> None:
    """Back to the territory's own survey, at once."""
    for key in (UPLOAD_KEY, CHECKED_KEY):
        st.session_state.pop(key, None)
    _forget_tables()
    release_uploader(None)


def _forget_tables() -> None:
    st.session_state.pop(MEMO_KEY, None)


def _session_memo(key: tuple, compute: Callable[[], object]):
    """`compute()` kept in this session's state under `key` (the most recent `MEMO_ENTRIES`)."""
    memo = st.session_state.setdefault(MEMO_KEY, OrderedDict())
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    value = memo[key] = compute()
    while len(memo) > MEMO_ENTRIES:
        memo.popitem(last=False)
    return value


def upload_name() -> str | None:
    """Name of the session's own survey file, when one is in use."""
    upload = st.session_state.get(UPLOAD_KEY)
    return upload.name if upload is not None else None


def _from_upload(results: Results) -> bool:
    """Whether `results` were computed from this session's upload (kept in its state only)."""
    return any(getattr(st.session_state.get(key), "results", None) is results for key in (UPLOAD_KEY, CHECKED_KEY))


def territory() -> Territory:
    """The served territory (its observatoire.yaml, checked)."""
    return load_territory()


def territory_results() -> Results:
    inputs = Inputs.of(territory())
    return _cached_run(inputs, inputs.fingerprint())


@st.cache_data(show_spinner="Calcul des résultats…", max_entries=2)
def _cached_run(_inputs: Inputs, fingerprint: str) -> Results:
    """Keyed by `fingerprint` (content hash of every input); `_inputs` is not hashed."""
    return run(_inputs)


def question_table(results: Results, variable: str, breakdown: str) -> pd.DataFrame:
    """Estimates of one question by wave and `breakdown`: derived indicators are read from the
    results, other questions computed once per results fingerprint."""
    if variable in results.spec.derived:
        return question_estimates(results, variable, breakdown)
    if _from_upload(results):
        return _session_memo(("question", results.fingerprint, variable, breakdown),
                             lambda: question_estimates(results, variable, breakdown))
    return _question_table(results, results.fingerprint, variable, breakdown)


@st.cache_data(show_spinner="Calcul des estimations…", max_entries=64)
def _question_table(_results: Results, fingerprint: str, variable: str, breakdown: str) -> pd.DataFrame:
    return question_estimates(_results, variable, breakdown)


def comparison(results: Results, variable: str, level: str, breakdown: str, first: str, second: str, wave: int | None) -> pd.DataFrame:
    args = (variable, level, breakdown, first, second, wave)
    if _from_upload(results):
        return _session_memo(("comparison", results.fingerprint, *args), lambda: compare_groups(results, *args))
    return _comparison(results, results.fingerprint, *args)


@st.cache_data(show_spinner=False, max_entries=64)
def _comparison(_results: Results, fingerprint: str, *args) -> pd.DataFrame:
    return compare_groups(_results, *args)


def ranking(results: Results, by: str, k: int, commune: str | None) -> pd.DataFrame:
    """The ranked areas (`areas.ranking.rank_areas`, 4,000 simulated draws: about a second),
    computed once per results fingerprint, settings and choice, not on every rerun."""
    if _from_upload(results):
        return _session_memo(("ranking", results.fingerprint, by, k, commune),
                             lambda: rank_areas(results.areas, by, k=k, commune=commune, settings=results.settings))
    return _ranking(results, results.fingerprint, dict(results.settings), by, k, commune)


@st.cache_data(show_spinner="Classement des quartiers…", max_entries=32)
def _ranking(_results: Results, fingerprint: str, settings: dict, by: str, k: int, commune: str | None) -> pd.DataFrame:
    return rank_areas(_results.areas, by, k=k, commune=commune, settings=settings)


def indicator_template(results: Results) -> bytes:
    """The services' Excel input workbook with the values known so far, built in memory."""
    if _from_upload(results):
        return _session_memo(("template", results.fingerprint), lambda: _template_bytes(results))
    return _indicator_template(results, results.fingerprint)


@st.cache_data(show_spinner=False, max_entries=4)
def _indicator_template(_results: Results, fingerprint: str) -> bytes:
    return _template_bytes(_results)


def _template_bytes(results: Results) -> bytes:
    return write_template(BytesIO(), results.catalog, results.indicator_values, results.territory.code).getvalue()

"""The data edge of the app: the only place that runs the pipeline, cached by input content.

Pages call `current_results()`: the session's own upload when the Données page has stored one
(`UPLOAD_KEY` in st.session_state, this session only), else the territory's own inputs (the
directory named by `OBSERVATOIRE_TERRITORY`, default the bundled example). Tests inject a
`Results` by setting `st.session_state[UPLOAD_KEY]` before running a page.

The territory's results are one object shared by every session (`territory_results`, read from
the results cache at start), and what pages build from them alone (tables, maps, rankings,
other questions, comparisons) is built once for every visitor (`shared`). What is built from an
upload is kept in this session's state only, so that nothing computed from a user's file
outlives their session or reaches another one.

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
from typing import TypeVar

import pandas as pd
import streamlit as st

from observatoire import filecache, results_cache
from observatoire.areas.ranking import rank_areas
from observatoire.errors import UserError
from observatoire.indicators.workbook import write_template
from observatoire.pipeline import Inputs, Results, compare_groups, question_estimates, run
from observatoire.territory import CONFIG_NAME, Territory, default_dir, load_territory
from observatoire.ui.safeguards import return_freed_memory

T = TypeVar("T")
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


def territory() -> Territory:
    """The served territory, read once per change of its observatoire.yaml."""
    root = default_dir().resolve()
    return filecache.parsed(("territory", str(root)), lambda: load_territory(root), files=[root / CONFIG_NAME])


def territory_results() -> Results:
    """The territory's own results, one object shared by every session (read-only for pages)."""
    inputs = Inputs.of(territory())
    return _territory_run(inputs, inputs.fingerprint())


@st.cache_resource(show_spinner="Calcul des résultats de l'observatoire…", max_entries=2)
def _territory_run(_inputs: Inputs, fingerprint: str) -> Results:
    """Keyed by `fingerprint` (content hash of every input; `_inputs` is not hashed). A resource,
    not data: every rerun of every session gets the same object, without copying it."""
    results = results_cache.load_or_run(_inputs)
    _SERVED.clear()  # a server serves one territory: only its latest results are shared
    _SERVED[fingerprint] = results
    return results


# The territory's results object being served, by fingerprint: what `shared` may keep.
_SERVED: dict[str, Results] = {}


def shared(results: Results, key: tuple, compute: Callable[[], T]) -> T:
    """`compute()` (a table, chart or map built from `results`), computed once per process and
    given to every session when `results` are the territory's own: every visitor sees the same,
    so 25 visitors cost one computation. For a session's upload it is kept in that session's
    state only (its data never enters a cache shared with other sessions). `key` names the
    computation and its choices (e.g. `("carte", variable, level, wave)`); the result may be
    shared, so callers never modify it."""
    if _SERVED.get(results.fingerprint) is not results:
        return _session_memo((results.fingerprint, *key), compute)
    return _shared(results.fingerprint, key, _compute=compute)


@st.cache_resource(show_spinner=False, max_entries=1024)
def _shared(fingerprint: str, key: tuple, _compute: Callable[[], T]) -> T:
    return _compute()


def warm() -> None:
    """Compute the territory's results before the server listens (`observatoire serve`)."""
    territory_results()


def question_table(results: Results, variable: str, breakdown: str) -> pd.DataFrame:
    """Estimates of one question by wave and `breakdown`: derived indicators are read from the
    results, other questions computed once per results (`shared`)."""
    if variable in results.spec.derived:
        return question_estimates(results, variable, breakdown)
    return shared(results, ("question", variable, breakdown), lambda: question_estimates(results, variable, breakdown))


def comparison(results: Results, variable: str, level: str, breakdown: str, first: str, second: str, wave: int | None) -> pd.DataFrame:
    args = (variable, level, breakdown, first, second, wave)
    return shared(results, ("comparison", *args), lambda: compare_groups(results, *args))


def ranking(results: Results, by: str, k: int, commune: str | None) -> pd.DataFrame:
    """The ranked areas (`areas.ranking.rank_areas`, 4,000 simulated draws: about a second),
    computed once per results, settings and choice, not on every rerun."""
    return shared(results, ("ranking", by, k, commune),
                  lambda: rank_areas(results.areas, by, k=k, commune=commune, settings=results.settings))


def indicator_template(results: Results) -> bytes:
    """The services' Excel input workbook with the values known so far, built in memory."""
    return shared(results, ("template",), lambda: write_template(
        BytesIO(), results.catalog, results.indicator_values, results.territory.code).getvalue())

"""The data edge of the app: the only place that runs the pipeline, cached by input content.

Pages call `current_results()`: the session's own upload when the Données page has stored one
(`UPLOAD_KEY` in st.session_state, this session only), else the territory's own inputs. The
territory is the directory named by `OBSERVATOIRE_TERRITORY` (default: the bundled example). Tests inject
a `Results` by setting `st.session_state[UPLOAD_KEY]` before running a page. What is computed
from a `Results`' design (other questions, comparisons) is cached under its `fingerprint`.

The territory's results are one object shared by every session (`territory_results`, read from
the results cache at start), and what pages build from them alone (tables, maps, rankings) is
built once for every visitor (`shared`); nothing derived from an upload is shared.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

from observatoire import filecache, results_cache
from observatoire.indicators.workbook import write_template
from observatoire.pipeline import Inputs, Results, compare_groups, question_estimates, run
from observatoire.territory import CONFIG_NAME, Territory, default_dir, load_territory

T = TypeVar("T")
UPLOAD_KEY = "observatoire_upload"  # the valid upload every page shows
CHECKED_KEY = "observatoire_checked"  # the last file checked on the Données page, valid or not


@dataclass(frozen=True)
class Upload:
    """A session's uploaded file: its name, content hash and the results computed from it."""

    name: str
    digest: str
    results: Results


def current_results() -> Results:
    upload = st.session_state.get(UPLOAD_KEY)
    return upload.results if upload is not None else territory_results()


def check_upload(name: str, content: bytes) -> Upload:
    """Validate and compute an uploaded file, once per content, in this session's state only
    (never written to disk, never in a cache shared with other sessions). A valid file becomes
    the session's data for every page; `UserError` when it cannot be read at all."""
    digest = hashlib.sha256(content).hexdigest()
    checked = st.session_state.get(CHECKED_KEY)
    if checked is None or checked.digest != digest:
        checked = Upload(name, digest, run(Inputs.upload(territory(), name, content)))
        st.session_state[CHECKED_KEY] = checked
    if checked.results.validation.ok:
        st.session_state[UPLOAD_KEY] = checked
    return checked


def forget_upload() -> None:
    """Back to the territory's own survey."""
    for key in (UPLOAD_KEY, CHECKED_KEY):
        st.session_state.pop(key, None)


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
    so 25 visitors cost one computation. For a session's upload it runs each time (its data never
    enters a cache shared with other sessions). `key` names the computation and its choices
    (e.g. `("carte", variable, level, wave)`); the result is shared, so callers never modify it."""
    if _SERVED.get(results.fingerprint) is not results:
        return compute()
    return _shared(results.fingerprint, key, _compute=compute)


@st.cache_resource(show_spinner=False, max_entries=1024)
def _shared(fingerprint: str, key: tuple, _compute: Callable[[], T]) -> T:
    return _compute()


def warm() -> None:
    """Compute the territory's results before the server listens (`observatoire serve`)."""
    territory_results()


def question_table(results: Results, variable: str, breakdown: str) -> pd.DataFrame:
    """Estimates of one question by wave and `breakdown`: derived indicators are read from the
    results, other questions computed once per results fingerprint."""
    if variable in results.spec.derived:
        return question_estimates(results, variable, breakdown)
    return _question_table(results, results.fingerprint, variable, breakdown)


@st.cache_data(show_spinner="Calcul des estimations…", max_entries=64)
def _question_table(_results: Results, fingerprint: str, variable: str, breakdown: str) -> pd.DataFrame:
    return question_estimates(_results, variable, breakdown)


def comparison(results: Results, variable: str, level: str, breakdown: str, first: str, second: str, wave: int | None) -> pd.DataFrame:
    return _comparison(results, results.fingerprint, variable, level, breakdown, first, second, wave)


@st.cache_data(show_spinner=False, max_entries=64)
def _comparison(_results: Results, fingerprint: str, *args) -> pd.DataFrame:
    return compare_groups(_results, *args)


def indicator_template(results: Results) -> bytes:
    """The services' Excel input workbook with the values known so far, built in memory."""
    return _indicator_template(results, results.fingerprint)


@st.cache_data(show_spinner=False, max_entries=4)
def _indicator_template(_results: Results, fingerprint: str) -> bytes:
    return write_template(io.BytesIO(), _results.catalog, _results.indicator_values, _results.territory.code).getvalue()


def upload_name() -> str | None:
    """Name of the session's own survey file, when one is in use."""
    upload = st.session_state.get(UPLOAD_KEY)
    return upload.name if upload is not None else None

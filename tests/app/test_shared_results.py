"""The territory's results and the figures built from them are shared by every session
(`loaders.territory_results`, `loaders.shared`): computed once, never modified by a page, and
never mixed with a session's upload."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle

import numpy as np
import pandas as pd

from streamlit.testing.v1 import AppTest

from app_harness import APP, TIMEOUT, app_pages
from observatoire.ui import loaders


def test_shared_figures_are_computed_once_for_the_territory_and_apart_for_an_upload():
    results = loaders.territory_results()
    assert loaders.territory_results() is results
    calls = []

    def compute():
        calls.append(1)
        return object()

    first = loaders.shared(results, ("test", "figure"), compute)
    assert loaders.shared(results, ("test", "figure"), compute) is first and len(calls) == 1
    upload = dataclasses.replace(results, source="mon_enquete.csv")  # same fingerprint, a session's own
    mine = loaders.shared(upload, ("test", "figure"), compute)
    assert mine is not first and len(calls) == 2
    # Remembered in the session's own state, never in the process-wide cache.
    assert loaders.shared(upload, ("test", "figure"), compute) is mine and len(calls) == 2
    assert loaders.shared(results, ("test", "figure"), compute) is first


def _content(value):
    """What `value` holds, hashable and independent of pandas' internal layout (a frame's blocks
    may be consolidated by a read, which changes its pickle but not its content)."""
    if isinstance(value, pd.DataFrame):
        return ("frame", tuple(map(str, value.columns)), tuple(map(str, value.dtypes)),
                pd.util.hash_pandas_object(value.astype(str), index=True).sum())
    if isinstance(value, pd.Series):
        return _content(value.to_frame())
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest())
    if dataclasses.is_dataclass(value):
        return (type(value).__name__, tuple((f.name, _content(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return ("dict", tuple((repr(k), _content(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(_content(v) for v in value))
    return ("value", hashlib.sha256(pickle.dumps(value, protocol=5)).hexdigest())


def _digest(results) -> str:
    return hashlib.sha256(repr(_content(results)).encode()).hexdigest()


def test_pages_leave_the_shared_results_as_they_were():
    results = loaders.territory_results()
    before = _digest(results)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    for entry in app_pages():
        at.switch_page(entry.path).run()
        assert not at.exception, (entry.path, [e.message for e in at.exception])
        if entry.url_path == "carte":
            at.radio[0].set_value("iris").run()
        if entry.url_path == "quartiers":
            at.radio[0].set_value("count").run()
    assert loaders.territory_results() is results
    assert _digest(results) == before

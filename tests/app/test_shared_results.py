"""The territory's results and the figures built from them are shared by every session
(`loaders.territory_results`, `loaders.shared`): computed once, never modified by a page, and
never mixed with a session's upload."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle

from streamlit.testing.v1 import AppTest

from app_harness import APP, TIMEOUT, app_pages
from observatoire.ui import loaders


def test_shared_figures_are_computed_once_for_the_territory_and_each_time_for_an_upload():
    results = loaders.territory_results()
    assert loaders.territory_results() is results
    calls = []

    def compute():
        calls.append(1)
        return object()

    first = loaders.shared(results, ("test", "figure"), compute)
    assert loaders.shared(results, ("test", "figure"), compute) is first and len(calls) == 1
    upload = dataclasses.replace(results, source="mon_enquete.csv")  # same fingerprint, a session's own
    assert loaders.shared(upload, ("test", "figure"), compute) is not first and len(calls) == 2
    loaders.shared(upload, ("test", "figure"), compute)
    assert len(calls) == 3


def _digest(results) -> str:
    return hashlib.sha256(pickle.dumps(results, protocol=5)).hexdigest()


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

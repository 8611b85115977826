"""The territory's results kept on disk between server starts (observatoire.results_cache)."""

from __future__ import annotations

import pandas as pd
import pytest

from example_territory import DEMO_SURVEY, example_inputs, upload_inputs
from observatoire import results_cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(results_cache.ENV_VAR, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_run_is_stored_then_read_back_without_running(cache, monkeypatch):
    stored = results_cache.load_or_run(example_inputs())
    assert [p.name for p in cache.iterdir()] == [results_cache.entry_path(example_inputs()).name]

    def no_run(inputs):
        raise AssertionError("the pipeline ran again")

    monkeypatch.setattr(results_cache, "run", no_run)
    again = results_cache.load_or_run(example_inputs())
    assert again.fingerprint == stored.fingerprint
    pd.testing.assert_frame_equal(again.estimates, stored.estimates)
    pd.testing.assert_frame_equal(again.progress, stored.progress)


def test_an_upload_never_touches_the_disk(cache):
    with pytest.raises(ValueError):
        results_cache.load_or_run(upload_inputs("enquete.csv", DEMO_SURVEY.read_bytes()))
    assert not cache.exists()


def test_an_unreadable_entry_is_computed_again(cache):
    path = results_cache.entry_path(example_inputs())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    assert results_cache.load_or_run(example_inputs()).validation.ok
    assert path.read_bytes() != b"not a pickle"
    assert not list(cache.glob(".results-*"))  # no temporary file left behind


def test_the_key_follows_the_inputs_and_the_code(cache, monkeypatch):
    first = results_cache.entry_path(example_inputs())
    monkeypatch.setattr(results_cache, "code_fingerprint", lambda: "another build")
    assert results_cache.entry_path(example_inputs()) != first


def test_old_entries_are_pruned(cache):
    cache.mkdir()
    for i in range(results_cache.MAX_ENTRIES + 2):
        (cache / f"results-old{i}.pickle").write_bytes(b"")
    results_cache.load_or_run(example_inputs())
    entries = list(cache.glob("results-*.pickle"))
    assert len(entries) == results_cache.MAX_ENTRIES
    assert results_cache.entry_path(example_inputs()) in entries

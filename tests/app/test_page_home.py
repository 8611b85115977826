"""Accueil: headline figures, commitments by status and the sample as it is."""

import dataclasses

from app_harness import page_test

from observatoire.pipeline import sample_counts

PAGE = "pages/home.py"


def test_home_shows_the_demo_sample(demo):
    at = page_test(PAGE)
    assert not at.exception
    counts = at.table[0].value
    assert list(counts.columns) == ["Vague 2022", "Vague 2024"]
    assert counts.loc["Ensemble", "Vague 2022"] == "5\u00a0000"
    assert "Bordeaux" in counts.index
    assert "valide" in at.success[0].value


def test_home_with_an_empty_sample_says_so_in_french(demo):
    empty = demo.sample.iloc[0:0]
    results = dataclasses.replace(demo, sample=empty, sample_counts=sample_counts(empty, demo.spec))
    at = page_test(PAGE, results)
    assert not at.exception
    assert any("l'échantillon chargé est vide" in info.value for info in at.info)

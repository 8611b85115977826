"""The site build refuses to publish a figure that gives a withheld one back (secondary disclosure)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from observatoire.errors import UserError
from observatoire.site.builder import build_site
from observatoire.site.data import SiteConfig

BUILT = date(2026, 11, 23)


def _published_again(data, commune: str):
    """`data` with one of the two withheld communes published again: the other is then the total
    minus the published communes (the planted leak)."""
    estimates = data.estimates.copy()
    cell = estimates["domain"] == commune
    estimates.loc[cell, ["flag", "estimate", "ci_low", "ci_high", "se", "cv"]] = ["ok", 0.2, 0.1, 0.3, 0.05, 0.25]
    return dataclasses.replace(data, estimates=estimates)


def test_hand_site_withholds_two_communes_and_builds(hand_site):
    assert "donnees/estimations.csv" in {f.name for f in hand_site.files}


def test_planted_differencing_leak_fails_the_build_naming_the_cell(hand_data, tmp_path):
    leaking = _published_again(hand_data, "33032")
    with pytest.raises(UserError) as caught:
        build_site(leaking, SiteConfig(built=BUILT), tmp_path)
    message = caught.value.message
    assert message.startswith("Site non construit") and "secret statistique" in message
    assert "« Ambès (33004) »" in message and "soustraction" in message and "vague 2024" in message
    assert caught.value.hint
    assert not any(tmp_path.iterdir())  # nothing written


def test_a_published_cell_below_the_threshold_fails_the_build(hand_data, tmp_path):
    estimates = hand_data.estimates.copy()
    small = estimates["domain"] == "33003"
    estimates.loc[small, "n_unweighted"] = 6
    with pytest.raises(UserError, match=r"« Ambarès-et-Lagrave \(33003\) ».*est publiée sur 6 répondants"):
        build_site(dataclasses.replace(hand_data, estimates=estimates), SiteConfig(built=BUILT), tmp_path)

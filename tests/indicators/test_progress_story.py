"""Status and projection tell one story: a contradiction is said with its reason, and a survey
value whose interval straddles the target (or the required path) is « dans la marge d'erreur »."""

from __future__ import annotations

import pandas as pd
import pytest

from example_territory import EXAMPLE
from observatoire.commands.progress import text_table
from observatoire.commitments import divergences, explain_progress
from observatoire.indicators import load_catalog, load_values
from observatoire.indicators.progress import assess_progress, assess_series, status_label
from observatoire.site.commitments import commitments_page

from .conftest import make_catalog, make_indicator, series


@pytest.fixture(scope="module")
def example_progress() -> pd.DataFrame:
    catalog = load_catalog(EXAMPLE.catalog)
    return assess_progress(catalog, load_values(EXAMPLE.values, catalog))


def test_published_target_on_track_with_one_percent_chance_says_why(example_progress):
    row = example_progress.set_index("id").loc["ACH01"]
    assert row["catalog_status"] == "published" and row["status"] == "on_track"
    assert round(row["projection_probability"], 2) == 0.01
    assert row["agreement"] == "status_optimistic"
    note = row["agreement_note"]
    assert note.startswith("Statut et projection divergent (le statut est plus favorable que la projection)")
    assert "depuis 2021 (+53,7 %/an, taux composé)" in note and "tendance linéaire des 5 valeurs" in note
    assert "hausse de 6,7 points par an" in note and "probabilité de 1 % d'atteindre la cible" in note


def test_the_card_the_site_and_the_cli_say_it_and_the_overview_counts_it(example_progress):
    row = example_progress.set_index("id", drop=False).loc["ACH01"].to_dict()
    assert any(line.startswith("Statut et projection divergent") for line in explain_progress(row))
    optimistic = example_progress[example_progress["agreement"] == "status_optimistic"]
    (summary, *_) = divergences(example_progress)
    assert summary.startswith(f"{len(optimistic)} engagements sur 40 ont un statut que la projection de tendance contredit")
    assert "ACH01" in summary
    page = commitments_page(example_progress, {"achats": "Achats"})
    assert "Statut et projection divergent" in page and "projection de tendance contredit" in page
    assert "- ACH01 : Statut et projection divergent" in text_table(example_progress)


def test_agreeing_status_and_projection_say_nothing():
    indicator = make_indicator(target=150.0)
    row = assess_progress(make_catalog(indicator), _values(indicator.id, {2020: 100, 2021: 108, 2022: 117,
                                                                          2023: 126, 2024: 136})).iloc[0]
    assert row["status"] == "on_track" and row["projection_probability"] > 0.5
    assert row["agreement"] == "agree" and row["agreement_note"] == ""


def test_interval_containing_the_target_is_within_the_margin_of_error():
    indicator = make_indicator(direction="decrease", target=15.0, unit_short="%")
    out = assess_series(indicator, series({2020: 19.0, 2024: 14.6}, {2024: (13.9, 15.3)}))
    assert out["status"] == "target_achieved" and out["within_margin"]
    assert status_label({**out, "decimals": 1}) == "Cible atteinte, dans la marge d'erreur [13,9 ; 15,3]"
    assert "contient la cible" in out["caveat"]


def test_interval_containing_the_required_path_is_within_the_margin_of_error():
    # base 100 (2020), target 150 in 2026: the required path is 100 * 1.0699132**4 = 131.1 in 2024
    indicator = make_indicator(target=150.0)
    out = assess_series(indicator, series({2020: 100.0, 2024: 126.0}, {2024: (120.0, 132.0)}))
    assert out["status"] == "moderate" and out["within_margin"]
    assert out["required_path_value"] == pytest.approx(131.0, abs=0.1)
    assert status_label({**out, "decimals": 1}) == "Progrès modéré, à accélérer, dans la marge d'erreur [120,0 ; 132,0]"
    narrow = assess_series(indicator, series({2020: 100.0, 2024: 126.0}, {2024: (124.0, 128.0)}))
    assert not narrow["within_margin"] and status_label({**narrow, "decimals": 1}) == "Progrès modéré, à accélérer"


def _values(indicator_id: str, points: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"indicator": indicator_id, "year": list(points), "geo_level": "territory", "geo_code": "0",
                         "breakdown": "", "value": list(points.values()), "ci_low": None, "ci_high": None,
                         "n_unweighted": None, "source": "test", "status": "final"})

"""Progress method against worked examples computed by hand from the Open SDG formulas.

CAGR(a, b, ta, tb) = (a/b)**(1/(ta-tb)) - 1 ; R = s*d*CAGR(cur, base) / |CAGR(target, base)|.
Each case writes its hand computation beside it (6 significant digits).
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatoire.indicators.progress import (
    STATUSES,
    assess_progress,
    assess_series,
    limit_coefficient,
    score_with_target,
    score_without_target,
)
from observatoire.indicators.projection import project

from .conftest import make_catalog, make_indicator, series

# Shared set-up: base 2020 = 100, latest 2024, target 150 in 2026 (increase).
# required = (150/100)**(1/6) - 1 = 0.0699132
TARGET_CASES = [
    # 140: actual = 1.4**0.25 - 1 = 0.0877573 ; R = 0.0877573 / 0.0699132 = 1.25523 -> on_track
    (140, 1.25523, "on_track"),
    # 120: actual = 1.2**0.25 - 1 = 0.0466351 ; R = 0.667043 -> moderate (0.60 <= R < 0.95)
    (120, 0.667043, "moderate"),
    # 105: actual = 1.05**0.25 - 1 = 0.0122722 ; R = 0.175535 -> insufficient (0 <= R < 0.60)
    (105, 0.175535, "insufficient"),
    # 90: actual = 0.9**0.25 - 1 = -0.0259963 ; R = -0.371836 -> moving_away (R < 0)
    (90, -0.371836, "moving_away"),
]


@pytest.mark.parametrize(("latest", "ratio", "status"), TARGET_CASES)
def test_with_target_categories(latest, ratio, status):
    out = assess_series(make_indicator(), series({2020: 100, 2022: 110, 2024: latest}))
    assert out["status"] == status
    assert out["ratio"] == pytest.approx(ratio, abs=1e-5)
    assert out["cagr_required"] == pytest.approx(0.0699132, abs=1e-6)
    assert (out["base_year"], out["base_value"], out["latest_year"], out["latest_value"]) == (2020, 100, 2024, latest)
    assert (out["threshold_high"], out["threshold_med"], out["threshold_low"]) == (0.95, 0.60, 0.0)
    assert "ratio" in out["reason"] and "Open SDG" in out["citation"]


def test_target_achieved_scores_five():
    # 155 >= 150 -> target_achieved whatever the pace; score 5
    out = assess_series(make_indicator(), series({2020: 100, 2024: 155}))
    assert out["status"] == "target_achieved" and out["score"] == 5.0
    assert "atteint la cible" in out["reason"]


def test_scores_follow_the_published_formulas():
    # R = 1.25523 -> min(7.1429*1.25523 - 4.2857, 5) = 8.96598 - 4.2857 = 4.68028 ; R = 0.175535 -> 4.1667*R - 2.5 = -1.76861
    assert score_with_target(1.25523) == pytest.approx(4.68028, abs=1e-4)
    assert score_with_target(0.175535) == pytest.approx(-1.76861, abs=1e-4)
    assert score_with_target(-2.0) == -5
    # no target, C = 1: P = 0.02 >= 0.015 -> min(500*0.02 - 5, 5) = 5 ; P = -0.01 -> 125*-0.01 - 2.5 = -3.75
    thresholds = {"high": 0.015, "med": 0.005, "low": 0.0}
    assert score_without_target(0.02, thresholds, 1.0) == 5
    assert score_without_target(0.01, thresholds, 1.0) == pytest.approx(1.25)  # 250*0.01 - 1.25
    assert score_without_target(-0.01, thresholds, 1.0) == pytest.approx(-3.75)


def test_decrease_direction():
    # base 50 (2020), 40 (2024), target 30: actual = 0.8**0.25 - 1 = -0.0542584 ;
    # required = 0.6**(1/6) - 1 = -0.0816141 ; R = -1 * -0.0542584 / 0.0816141 = 0.664816 -> moderate
    ind = make_indicator(direction="decrease", target=30.0)
    out = assess_series(ind, series({2020: 50, 2024: 40}))
    assert out["status"] == "moderate"
    assert out["ratio"] == pytest.approx(0.664816, abs=1e-5)
    assert out["direction_sign"] == -1


def test_negative_base_uses_sign():
    # base -10, latest -5, target -2 (increase): s = -1 ; actual = 0.5**0.25 - 1 = -0.159104 ;
    # required = 0.2**(1/6) - 1 = -0.235276 ; R = -1 * 1 * -0.159104 / 0.235276 = 0.676244 -> moderate
    ind = make_indicator(target=-2.0)
    out = assess_series(ind, series({2020: -10, 2024: -5}))
    assert out["sign"] == -1
    assert out["ratio"] == pytest.approx(0.676244, abs=1e-5)
    assert out["status"] == "moderate"


def test_zero_base_is_substituted_and_said():
    # base 0 -> 0.001 ; actual = (10/0.001)**0.25 - 1 = 9 ; required = (20/0.001)**(1/6) - 1 = 4.21001 ;
    # R = 2.13776 -> on_track, with the substitution in the reason and in base_value_used
    out = assess_series(make_indicator(target=20.0), series({2020: 0, 2024: 10}))
    assert out["base_value"] == 0 and out["base_value_used"] == 0.001
    assert out["ratio"] == pytest.approx(2.13776, abs=1e-4)
    assert out["status"] == "on_track"
    assert "0,001" in out["reason"]


def test_without_target_growth_thresholds():
    # no target: P = 1.04**0.25 - 1 = 0.00985341 ; 0.005 <= P < 0.015 -> moderate
    out = assess_series(make_indicator(target=None), series({2020: 100, 2024: 104}))
    assert out["growth_progress"] == pytest.approx(0.00985341, abs=1e-7)
    assert out["status"] == "moderate"
    assert out["ratio"] is None and "sans cible" in out["reason"]


def test_without_target_limit_reduces_thresholds():
    # limit 120, base 100 <= limit: C = 1 - (100/120)**4.44 = 0.554923 ;
    # thresholds 0.015*C = 0.00832384, 0.005*C = 0.00277461 ; P = 0.00985341 >= high -> on_track
    ind = make_indicator(target=None, limit=120.0)
    out = assess_series(ind, series({2020: 100, 2024: 104}))
    assert out["limit_coefficient"] == pytest.approx(0.554923, abs=1e-6)
    assert out["threshold_high"] == pytest.approx(0.00832384, abs=1e-8)
    assert out["status"] == "on_track"
    # base >= 2L -> C = 1 ; L < base < 2L -> 1 - ((2L - b)/L)**a: b = 150, L = 100 -> 1 - 0.5**4.44 = 1 - 0.0460709 = 0.953929
    assert limit_coefficient(250, 100) == 1.0
    assert limit_coefficient(150, 100) == pytest.approx(0.953929, abs=1e-6)


def test_band_inside_is_achieved_and_outside_uses_nearest_bound():
    ind = make_indicator(direction="band", band={"low": 60, "high": 80}, target=None)
    inside = assess_series(ind, series({2020: 90, 2024: 75}))
    assert inside["status"] == "target_achieved" and "fourchette" in inside["reason"]
    # above the band: target = 80, d = -1 ; actual = (85/90)**0.25 - 1 = -0.0141880 ;
    # required = (80/90)**(1/6) - 1 = -0.0194391 ; R = 0.729869 -> moderate
    above = assess_series(ind, series({2020: 90, 2024: 85}))
    assert above["target"] == 80 and above["direction_sign"] == -1
    assert above["ratio"] == pytest.approx(0.729869, abs=1e-5)
    assert above["status"] == "moderate"


@pytest.mark.parametrize(
    ("points", "status", "fragment"),
    [
        ({2021: 0, 2022: 1}, "target_achieved", "objectif atteint"),
        ({2021: 0, 2022: 0}, "insufficient", "pas encore atteint"),
        ({2021: 0, 2022: 1, 2023: 0}, "moving_away", "auparavant"),
    ],
)
def test_binary(points, status, fragment):
    ind = make_indicator(direction="binary", target=1, baseline={"year": 2021})
    out = assess_series(ind, series(points))
    assert out["status"] == status and fragment in out["reason"]


@pytest.mark.parametrize(
    ("points", "fragment"),
    [
        ({}, "aucune valeur"),
        ({2020: 100}, "moins de deux points"),
        ({2018: 90, 2019: 95}, "aucune valeur depuis l'année de référence 2020"),
        ({2020: 100, 2024: -5}, "signes opposés"),
    ],
)
def test_not_available_edge_cases(points, fragment):
    out = assess_series(make_indicator(), series(points))
    assert out["status"] == "not_available"
    assert fragment in out["reason"]


def test_duplicated_years_give_a_reason_not_a_crash():
    frame = pd.DataFrame({"year": [2020, 2022, 2022, 2024], "value": [100, 110, 111, 120]})
    out = assess_series(make_indicator(), frame)
    assert out["status"] == "not_available" and "2022" in out["reason"]


def test_missing_base_year_uses_next_year():
    # base year 2020 absent: 2021 used. actual = (120/100)**(1/3) - 1 = 0.0626586 ;
    # required = 1.5**(1/5) - 1 = 0.0844718 ; R = 0.741769 -> moderate
    out = assess_series(make_indicator(), series({2021: 100, 2022: 108, 2024: 120}))
    assert out["base_year"] == 2021
    assert out["ratio"] == pytest.approx(0.741769, abs=1e-5)
    assert "2020 absente" in out["reason"] and "2021 utilisée" in out["reason"]


def test_target_equal_to_base_and_not_kept():
    out = assess_series(make_indicator(target=100.0), series({2020: 100, 2024: 95}))
    assert out["status"] == "moving_away" and "égale" in out["reason"]


def test_ci_straddling_target_keeps_status_and_adds_caveat():
    # 148 < 150: not achieved; R computed as usual; the CI [140 ; 156] contains 150 -> caveat
    out = assess_series(make_indicator(), series({2020: 100, 2024: 148}, ci={2024: (140.0, 156.0)}))
    assert out["status"] == "on_track"
    assert "contient la cible" in out["caveat"]
    clear = assess_series(make_indicator(), series({2020: 100, 2024: 148}, ci={2024: (146.0, 149.0)}))
    assert clear["caveat"] == ""


def test_assess_progress_table_uses_headline_rows_only():
    ind = make_indicator()
    values = pd.DataFrame({
        "indicator": ["TST01"] * 4, "year": [2020, 2024, 2024, 2024],
        "geo_level": ["territory", "territory", "commune", "territory"],
        "geo_code": ["243300316", "243300316", "33063", "243300316"],
        "breakdown": ["", "", "", "age_band=75+"], "value": [100, 140, 10, 10],
        "ci_low": None, "ci_high": None, "n_unweighted": None, "source": "t", "status": "final"})
    table = assess_progress(make_catalog(ind), values)
    row = table.iloc[0]
    assert row["latest_value"] == 140 and row["status"] == "on_track" and row["status_label"] == "En bonne voie"
    for key in ("id", "title", "latest_year", "latest_value", "target", "status", "ratio",
                "projection_2026", "projection_low", "projection_high", "reason"):
        assert key in table.columns


values_strategy = st.one_of(st.just(0.0), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))


@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(st.tuples(st.integers(2015, 2026), values_strategy), max_size=7),
    direction=st.sampled_from(["increase", "decrease", "band", "binary"]),
    target=st.one_of(st.none(), st.just(0.0), values_strategy),
    base_year=st.integers(2015, 2026),
)
def test_any_series_gives_a_status_never_an_exception(points, direction, target, base_year):
    extra = {"band": {"low": -10.0, "high": 10.0}} if direction == "band" else {}
    if direction == "binary":
        target = 1
    ind = make_indicator(direction=direction, target=target, baseline={"year": base_year}, **extra)
    frame = pd.DataFrame(points, columns=["year", "value"])
    out = assess_series(ind, frame)
    assert out["status"] in STATUSES
    assert out["status"] != "not_available" or out["reason"]
    projected = project(ind, frame.sort_values("year"))
    assert projected["projection_2026"] is not None or projected["projection_reason"]
    probability = projected["projection_probability"]
    assert probability is None or 0.0 <= probability <= 1.0


def test_remembered_assessments_follow_the_series():
    """Assessments are remembered by (indicator, series): an upload recomputes only what changed,
    and a changed value, interval or year is never answered from memory."""
    ind = make_indicator()
    values = pd.DataFrame({
        "indicator": ["TST01"] * 2, "year": [2020, 2024], "geo_level": "territory", "geo_code": "243300316",
        "breakdown": "", "value": [100.0, 140.0], "ci_low": None, "ci_high": None, "n_unweighted": None,
        "source": "t", "status": "final"})
    first = assess_progress(make_catalog(ind), values)
    pd.testing.assert_frame_equal(assess_progress(make_catalog(ind), values), first)
    for column, value in (("value", 105.0), ("year", 2025), ("ci_low", 95.0)):
        changed = values.copy()
        changed.loc[1, column] = value
        if column == "ci_low":
            changed.loc[1, "ci_high"] = 160.0
        again = assess_progress(make_catalog(ind), changed).iloc[0]
        fresh = {**assess_series(ind, changed.sort_values("year").reset_index(drop=True))}
        assert again["status"] == fresh["status"] and again["reason"] == fresh["reason"], column
        assert again["caveat"] == fresh["caveat"]

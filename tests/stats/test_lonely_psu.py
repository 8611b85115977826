"""Strata with one PSU and fpc columns, as R survey 4.5 (reference values: reference_cases/)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatoire import settings as settings_mod
from observatoire.errors import UserError
from observatoire.stats import Design, estimate

CASES = Path(__file__).parent / "reference_cases"
FAST = settings(max_examples=25, deadline=None)
OPTIONS = ("adjust", "average", "remove", "certainty")


def _se(design, variable="y", kind="total"):
    return float(estimate(design, variable, kind=kind, reliability=False)["se"].iloc[0])


def test_adjust_differs_from_survey_4_1_1_only_by_the_centring_of_the_lonely_psu():
    """survey 4.1.1 (R 4.2.2) printed SE 117786.58020985834 for svytotal(~enroll) on the
    apistrat_lonely design (the row was in that case's expected.json before survey 4.3 changed
    "adjust"). 4.1.1 added T^2 for the lonely PSU total T; R >= 4.3 adds (T - c)^2, c = the
    average PSU total of the design."""
    data = pd.read_csv(CASES / "apistrat_lonely" / "data.csv")
    design = Design.from_frame(data, weights="pw", strata="stype", lonely_psu="adjust")
    lonely_total = data["pw"].iloc[0] * data["enroll"].iloc[0]  # row 1 is alone in stratum "X"
    centre = (data["pw"] * data["enroll"]).sum() / len(data)
    survey_411 = 117786.58020985834**2
    want = survey_411 - lonely_total**2 + (lonely_total - centre) ** 2
    assert _se(design, "enroll") ** 2 == pytest.approx(want, rel=1e-10)
    assert _se(design, "enroll") ** 2 < survey_411 * 0.995  # the old value is no longer given


def test_every_lonely_psu_option_is_a_setting_with_french_help():
    setting = settings_mod.SETTINGS["lonely_psu"]
    assert set(setting.choices) == {"fail", *OPTIONS}
    assert "average" in setting.help_fr and "4.5" in setting.help_fr
    assert Design.from_frame(_frame(), weights="w", strata="h", lonely_psu="average").lonely_psu == "average"


def _frame(n=30, seed=3, lonely=True):
    rng = np.random.default_rng(seed)
    strata = np.array(["a", "b", "c"])[rng.permutation(np.arange(n) % 3)]  # each has >= 2 rows when n >= 8
    frame = pd.DataFrame({"h": strata, "y": rng.normal(20, 5, n), "w": rng.uniform(5, 20, n)})
    if lonely:
        frame.loc[0, "h"] = "z"
    return frame


@st.composite
def lonely_designs(draw):
    """Random stratified samples with one or two one-PSU strata."""
    seed = draw(st.integers(0, 2**31 - 1))
    n_lonely = draw(st.integers(1, 2))
    frame = _frame(draw(st.integers(20, 60)), seed, lonely=False)
    frame.loc[: n_lonely - 1, "h"] = [f"z{i}" for i in range(n_lonely)]
    return frame


@FAST
@given(lonely_designs())
def test_adjust_adds_the_deviation_from_the_average_psu_total(frame):
    """Uncalibrated total: influence w y, so T = w y of the lonely row, c = sum(w y) / n."""
    se = {o: _se(Design.from_frame(frame, weights="w", strata="h", lonely_psu=o)) for o in OPTIONS}
    totals = frame["w"] * frame["y"]
    centre = totals.sum() / len(frame)
    lonely = frame["h"].str.startswith("z")
    added = float(((totals[lonely] - centre) ** 2).sum())
    assert se["adjust"] ** 2 == pytest.approx(se["remove"] ** 2 + added, rel=1e-9)
    strata, n_lonely = frame["h"].nunique(), int(lonely.sum())
    assert se["average"] ** 2 == pytest.approx(se["remove"] ** 2 * strata / (strata - n_lonely), rel=1e-9)
    assert se["certainty"] == pytest.approx(se["remove"], rel=1e-12)


@FAST
@given(lonely_designs(), st.sampled_from(OPTIONS + ("fail",)))
def test_one_psu_stratum_of_population_one_is_certain_under_every_option(frame, option):
    """fpc = population sizes with 1 for the one-PSU strata: never lonely, no variance, no error."""
    frame = frame.assign(N=np.where(frame["h"].str.startswith("z"), 1, 1000))
    design = Design.from_frame(frame, weights="w", strata="h", fpc="N", lonely_psu=option)
    assert not design.lonely_strata.any()
    changed = frame.assign(y=np.where(frame["N"] == 1, frame["y"] + 1e4, frame["y"]))
    redesign = Design.from_frame(changed, weights="w", strata="h", fpc="N", lonely_psu=option)
    assert _se(design) == pytest.approx(_se(redesign), rel=1e-10)  # its value plays no part


@FAST
@given(st.integers(0, 2**31 - 1), st.lists(st.integers(1, 40), min_size=3, max_size=3))
def test_fpc_as_population_sizes_or_sampling_fractions_agree(seed, extra):
    frame = _frame(60, seed, lonely=False)
    counts = frame["h"].map(frame["h"].value_counts())
    sizes = counts + frame["h"].map(dict(zip("abc", extra)))
    as_sizes = Design.from_frame(frame.assign(f=sizes), weights="w", strata="h", fpc="f")
    as_fractions = Design.from_frame(frame.assign(f=counts / sizes), weights="w", strata="h", fpc="f")
    assert _se(as_sizes) == pytest.approx(_se(as_fractions), rel=1e-10)
    assert _se(as_sizes) < _se(Design.from_frame(frame, weights="w", strata="h"))


def test_sampling_fraction_zero_is_an_infinite_population_as_r():
    frame = _frame(lonely=False)
    with_zero = Design.from_frame(frame.assign(f=0.0), weights="w", strata="h", fpc="f")
    assert _se(with_zero) == pytest.approx(_se(Design.from_frame(frame, weights="w", strata="h")), rel=1e-12)


def test_fail_names_the_lonely_stratum_and_average_needs_another_stratum():
    with pytest.raises(UserError, match="une seule unité primaire : z"):
        Design.from_frame(_frame(), weights="w", strata="h")
    single = pd.DataFrame({"h": ["a", "b"], "y": [1.0, 2.0], "w": [3.0, 4.0]})
    with pytest.raises(UserError, match="average"):
        Design.from_frame(single, weights="w", strata="h", lonely_psu="average")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"a": 0.5, "b": 0.5, "c": 40, "z": 1}, "mélange des taux de sondage"),
        ({"a": 1, "b": 1, "c": 1, "z": 1}, "vaut 1 partout"),
        ({"a": 3, "b": 1000, "c": 1000, "z": 1}, "plus de 100 % dans la strate « a »"),
        ({"a": -0.5, "b": 0.5, "c": 0.5, "z": 1}, "négative"),
        ({"a": None, "b": 0.5, "c": 0.5, "z": 1}, "manquante"),
    ],
)
def test_invalid_fpc_columns_are_refused_in_french(values, message):
    frame = _frame()
    frame["f"] = frame["h"].map(values)
    with pytest.raises(UserError, match=message) as err:
        Design.from_frame(frame, weights="w", strata="h", fpc="f", lonely_psu="adjust")
    assert "« f »" in err.value.message and err.value.hint


def test_fpc_varying_inside_a_stratum_names_it():
    frame = _frame().assign(f=1000.0)
    frame.loc[frame.index[frame["h"] == "b"][0], "f"] = 999.0
    with pytest.raises(UserError, match="varie à l'intérieur de la strate « b »"):
        Design.from_frame(frame, weights="w", strata="h", fpc="f", lonely_psu="adjust")


def test_reference_cases_from_r_tests_say_where_their_values_come_from():
    for folder in CASES.iterdir():
        expected = folder / "expected.json"
        if expected.exists() and "tolerance" in json.loads(expected.read_text()):
            assert "tests/" in json.loads(expected.read_text())["source"], folder.name

"""The observatory's design built from survey/design.yaml on the demo survey."""

import numpy as np
import pandas as pd
import pytest

from example_territory import DEMO_SURVEY
from observatoire.stats import calibrate, design_from_spec, estimate, rake
from observatoire.stats.calibration import build_terms
from observatoire.survey_spec import derive


@pytest.fixture(scope="module")
def sample(spec):
    frame = pd.read_csv(DEMO_SURVEY, dtype={"commune": str, "iris": str})
    return derive(frame, spec)


@pytest.fixture(scope="module")
def design(sample, spec):
    return design_from_spec(sample, spec)


def test_each_wave_matches_the_census_margins(design, spec):
    for wave in (2022, 2024):
        one = design.subset_wave(wave)
        for key, totals in spec.margins.items():
            columns = [key] if isinstance(key, str) else list(key)
            got = pd.Series(one.weights).groupby([one.data[c].to_numpy() for c in columns]).sum()
            for category, total in totals.items():
                assert got[category] == pytest.approx(total, rel=1e-6)


def test_trimming_then_reraking_is_recorded(design):
    steps = [h["step"] for h in design.history]
    assert steps == ["calibration", "trimming", "calibration"]
    assert len(design.calibrations) == 2


def test_a_wave_alone_gives_the_same_figures_as_inside_the_two_wave_design(design, sample, spec):
    both = estimate(design, "in_difficulty", "proportion", level=1, by=["wave", "commune"], reliability=False)
    alone = estimate(design_from_spec(sample, spec, wave=2024), "in_difficulty", "proportion", level=1,
                     by="commune", reliability=False)  # fmt: skip
    inside = both[both["domain"].str.startswith("2024 | ")]
    np.testing.assert_allclose(inside["estimate"], alone["estimate"], rtol=1e-6)
    np.testing.assert_allclose(inside["se"], alone["se"], rtol=1e-4)


def test_rake_and_calibrate_raking_give_the_same_weights(sample, spec):
    from observatoire.stats import Design

    one = sample[sample["wave"] == 2024]
    base = Design.from_frame(one, weights="weight", strata="commune")
    ipf = rake(base, spec.margins, epsilon=1e-12)
    newton = calibrate(base, spec.margins, method="raking", epsilon=1e-12)
    np.testing.assert_allclose(ipf.weights, newton.weights, rtol=1e-9)
    assert len(build_terms(base, spec.margins)) == 3

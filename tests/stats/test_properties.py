"""Property-based checks of the engine on small random designs (hypothesis, few examples)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatoire.errors import UserError
from observatoire.stats import Design, estimate, rake, trim

FAST = settings(max_examples=25, deadline=None)


@st.composite
def samples(draw):
    n = draw(st.integers(40, 90))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "stratum": rng.choice(["s1", "s2", "s3"], n),
            "a": np.array(["a0", "a1", "a2"])[np.arange(n) % 3],  # every category present
            "b": np.array(["b0", "b1"])[rng.permutation(np.arange(n) % 2)],
            "g": rng.choice(["g1", "g2", "g3", "g4"], n),
            "y": rng.normal(50, 10, n),
            "z": rng.integers(0, 2, n),
            "w": rng.uniform(5, 30, n),
        }
    )
    truth = rng.uniform(0.5, 2.0, n) * df["w"]  # margins from a positive weighting: feasible
    margins = {
        "a": df.assign(t=truth).groupby("a")["t"].sum().to_dict(),
        "b": df.assign(t=truth).groupby("b")["t"].sum().to_dict(),
    }
    return df, margins


def _design(df):
    return Design.from_frame(df, weights="w", strata="stratum")


@FAST
@given(samples())
def test_raked_weights_reproduce_every_margin(sample):
    df, margins = sample
    raked = rake(_design(df), margins, epsilon=1e-12)
    for variable, totals in margins.items():
        got = pd.Series(raked.weights).groupby(df[variable].to_numpy()).sum()
        for category, total in totals.items():
            assert abs(got[category] - total) <= 1e-8 * total


@FAST
@given(samples(), st.booleans())
def test_domain_estimate_equals_zero_weighted_full_design(sample, calibrated):
    df, margins = sample
    design = rake(_design(df), margins) if calibrated else _design(df)
    by_domain = estimate(design, "y", by="g", reliability=False).set_index("domain")
    for domain, row in by_domain.iterrows():
        inside = (df["g"] == domain).to_numpy()
        zeroed = design.with_weights(design.weights * inside)
        overall = estimate(zeroed, "y", reliability=False).iloc[0]
        assert overall["estimate"] == pytest.approx(row["estimate"], rel=1e-10)
        assert overall["se"] == pytest.approx(row["se"], rel=1e-8)


@FAST
@given(samples(), st.integers(0, 2**31 - 1))
def test_row_order_never_changes_a_result(sample, seed):
    df, margins = sample
    shuffled = df.sample(frac=1, random_state=seed % 2**32).reset_index(drop=True)
    tables = []
    for frame in (df, shuffled):
        design = rake(_design(frame), margins, epsilon=1e-12)
        tables.append(estimate(design, "z", kind="proportion", level=1, by="g", reliability=False))
    columns = ["estimate", "se", "ci_low", "ci_high", "df", "deff", "weighted_n"]
    np.testing.assert_allclose(tables[0][columns], tables[1][columns], rtol=1e-8)


@FAST
@given(samples(), st.floats(0.5, 0.9), st.floats(1.1, 2.0))
def test_trimmed_weights_respect_their_bounds(sample, low, high):
    df, margins = sample
    design = rake(_design(df), margins)
    mean = design.weights.mean()
    trimmed = trim(design, lower=low * mean, upper=high * mean, strict=True, rerake=False)
    assert trimmed.weights.min() >= low * mean * (1 - 1e-12)
    assert trimmed.weights.max() <= high * mean * (1 + 1e-12)
    assert trimmed.weights.sum() == pytest.approx(design.weights.sum(), rel=1e-12)


@FAST
@given(samples(), st.floats(1.01, 3.0))
def test_totals_that_disagree_across_margins_are_refused(sample, factor):
    df, margins = sample
    margins = {"a": margins["a"], "b": {k: v * factor for k, v in margins["b"].items()}}
    with pytest.raises(UserError, match="même total"):
        rake(_design(df), margins)


@FAST
@given(samples())
def test_category_with_population_but_no_respondent_is_refused(sample):
    df, margins = sample
    margins = {"a": {**margins["a"], "a9": 10.0}, "b": margins["b"]}
    margins["b"] = {k: v + 5.0 for k, v in margins["b"].items()}  # keep grand totals equal
    with pytest.raises(UserError, match="aucun répondant"):
        rake(_design(df), margins)

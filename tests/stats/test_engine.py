"""Engine behaviour: construction errors, tables, reliability, settings, comparisons, imports."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from observatoire import settings
from observatoire.errors import UserError
from observatoire.stats import COLUMNS, Design, apply_reliability, calibrate, compare, estimate, rake
from observatoire.stats import weight_diagnostics


@pytest.fixture
def frame():
    rng = np.random.default_rng(7)
    n = 400
    return pd.DataFrame(
        {
            "wave": np.where(np.arange(n) < 200, 2022, 2024),
            "commune": rng.choice(["c1", "c2", "c3", "c4"], n),
            "sex": rng.choice(["F", "M"], n),
            "answer": rng.choice(["yes", "no", "maybe", ""], n, p=[0.3, 0.4, 0.2, 0.1]),
            "y": rng.integers(0, 2, n).astype(float),
            "x": rng.uniform(1, 2, n),
            "weight": rng.uniform(10, 40, n),
        }
    )


def test_observatoire_stats_imports_without_streamlit():
    code = "import sys, observatoire.stats; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weights": "poids"}, "absente"),
        ({"strata": "nope"}, "absente"),
    ],
)
def test_missing_design_columns_are_named(frame, change, message):
    with pytest.raises(UserError, match=message):
        Design.from_frame(frame, **{"weights": "weight", **change})


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_non_positive_or_missing_weight_is_refused(frame, bad):
    frame.loc[3, "weight"] = bad
    with pytest.raises(UserError, match="poids non valides"):
        Design.from_frame(frame, weights="weight")


def test_lonely_psu_fails_like_r_unless_set(frame):
    frame.loc[0, "commune"] = "alone"
    with pytest.raises(UserError, match="une seule unité primaire"):
        Design.from_frame(frame, weights="weight", strata="commune")
    margins = {"sex": {"F": 5000.0, "M": 5000.0}}
    variances = {}
    for option in ("adjust", "remove", "certainty"):
        design = rake(Design.from_frame(frame, weights="weight", strata="commune", lonely_psu=option), margins)
        variances[option] = estimate(design, "x", by="sex", reliability=False)["se"].to_numpy()
        assert np.isfinite(variances[option]).all()
    assert (variances["adjust"] >= variances["remove"]).all()  # the lonely PSU adds its deviation
    assert (variances["adjust"] > variances["remove"]).any()
    np.testing.assert_allclose(variances["remove"], variances["certainty"])


def test_table_shape_and_proportion_categories(frame):
    design = Design.from_frame(frame, weights="weight", strata="commune")
    table = estimate(design, "answer", kind="proportion", by="sex", reliability=False)
    assert list(table.columns) == COLUMNS
    assert list(table["level"][:3]) == ["maybe", "no", "yes"]  # blanks are missing, not a category
    sums = table.groupby("domain")["estimate"].sum()
    np.testing.assert_allclose(sums, 1.0)
    assert (table["ci_method"] == "logit").all()
    answered = (frame["answer"] != "").groupby(frame["sex"]).sum()
    assert table.groupby("domain")["n_unweighted"].first().to_dict() == answered.to_dict()


def test_ratio_and_total(frame):
    design = Design.from_frame(frame, weights="weight", strata="commune")
    ratio = estimate(design, "y", kind="ratio", denominator="x", reliability=False).iloc[0]
    w = frame["weight"]
    assert ratio["estimate"] == pytest.approx((w * frame["y"]).sum() / (w * frame["x"]).sum())
    total = estimate(design, "x", kind="total", reliability=False).iloc[0]
    assert total["estimate"] == pytest.approx((w * frame["x"]).sum())
    assert total["ci_method"] == "wald_t"


@pytest.mark.parametrize("method", ["logit", "beta", "wilson", "wald", "wald_t"])
def test_every_proportion_interval_contains_the_estimate(frame, method):
    design = Design.from_frame(frame, weights="weight", strata="commune")
    table = estimate(design, "y", kind="proportion", level=1, by="commune", ci=method, reliability=False)
    assert (table["ci_low"] <= table["estimate"]).all() and (table["estimate"] <= table["ci_high"]).all()
    assert (table["ci_method"] == method).all()


def test_proportion_only_methods_refused_for_means(frame):
    design = Design.from_frame(frame, weights="weight")
    with pytest.raises(UserError, match="proportions"):
        estimate(design, "x", ci="logit")


def test_reliability_flags_and_blanks():
    table = pd.DataFrame(
        {c: [np.nan] * 4 for c in COLUMNS} | {"n_unweighted": [5, 20, 100, 100], "cv": [0.1, 0.1, 0.5, 0.1],
                                             "estimate": [0.2] * 4}
    )
    out = apply_reliability(table)
    assert list(out["flag"]) == ["withheld", "fragile", "fragile", "ok"]
    assert np.isnan(out.loc[0, "estimate"]) and out.loc[0, "n_unweighted"] == 5
    strict = apply_reliability(table, {"reliability_withhold_cv": 0.3, "reliability_fragile_cv": 0.15})
    assert list(strict["flag"]) == ["withheld", "fragile", "withheld", "ok"]


def test_every_setting_has_french_help():
    for setting in settings.SETTINGS.values():
        assert len(setting.help_fr) > 30, setting.name
    with pytest.raises(UserError):
        settings.resolve({"ci_method_proportion": "bogus"})


def test_compare_domains_and_independent_waves(frame):
    margins = {("wave", "sex"): {(wave, sex): 5000.0 for wave in (2022, 2024) for sex in "FM"}}  # per wave
    design = rake(Design.from_frame(frame, weights="weight", strata=["wave", "commune"], wave_column="wave"), margins)
    same = compare(design, "y", "c1", "c2", kind="proportion", level=1, by="commune").iloc[0]
    by = estimate(design, "y", kind="proportion", level=1, by="commune", ci="wald", reliability=False)
    by = by.set_index("domain")
    assert same["difference"] == pytest.approx(by.loc["c1", "estimate"] - by.loc["c2", "estimate"])
    w22, w24 = design.subset_wave(2022), design.subset_wave(2024)
    waves = compare(w22, "y", None, None, kind="proportion", level=1, other=w24).iloc[0]
    pooled = compare(design, "y", "2022", "2024", kind="proportion", level=1, by="wave").iloc[0]
    assert waves["difference"] == pytest.approx(pooled["difference"])
    assert waves["se"] == pytest.approx(pooled["se"], rel=1e-9)  # independent samples: no covariance
    assert waves["ci_low"] < waves["difference"] < waves["ci_high"]


def test_compare_a_domain_with_the_whole_that_contains_it(frame):
    """Commune − whole wave, covariance included. When the commune's weighted size is calibrated
    (raked on commune), whole = s·commune + (1 − s)·rest with s fixed, so the difference and its SE
    are exactly (1 − s) times those of commune − rest: an identity the estimator must reproduce."""
    frame = frame.assign(zone=np.where(frame["commune"] == "c1", "in", "out"))
    margins = {("wave", "commune"): {(w, c): 2500.0 for w in (2022, 2024) for c in ("c1", "c2", "c3", "c4")},
               ("wave", "sex"): {(w, s): 5000.0 for w in (2022, 2024) for s in "FM"}}
    design = rake(Design.from_frame(frame, weights="weight", strata=["wave"], wave_column="wave"), margins)
    whole = compare(design, "y", "2024 | c1", "2024", kind="proportion", level=1, by=["wave", "commune"],
                    by_second="wave").iloc[0]
    rest = compare(design, "y", "2024 | in", "2024 | out", kind="proportion", level=1, by=["wave", "zone"]).iloc[0]
    in_wave = (frame["wave"] == 2024).to_numpy()
    share = design.weights[in_wave & (frame["commune"] == "c1").to_numpy()].sum() / design.weights[in_wave].sum()
    assert share == pytest.approx(0.25)
    assert whole["difference"] == pytest.approx((1 - share) * rest["difference"])
    assert whole["se"] == pytest.approx((1 - share) * rest["se"], rel=1e-9)
    same = compare(design, "y", "2024 | c1", "2024 | c2", kind="proportion", level=1, by=["wave", "commune"])
    nested = compare(design, "y", "2024 | c1", "2024 | c2", kind="proportion", level=1, by=["wave", "commune"],
                     by_second=["wave", "commune"])
    assert nested.iloc[0]["se"] == pytest.approx(same.iloc[0]["se"], rel=1e-12)


def test_linear_calibration_and_diagnostics(frame):
    design = Design.from_frame(frame, weights="weight")
    margins = {"sex": {"F": 5000.0, "M": 5000.0}, "commune": {"c1": 2500.0, "c2": 2500.0, "c3": 2500.0, "c4": 2500.0}}
    greg = calibrate(design, margins, method="linear")
    assert greg.weights.sum() == pytest.approx(10000.0)
    info = weight_diagnostics(greg)
    assert info["effective_n"] == pytest.approx(greg.n / info["kish_deff"])
    assert info["history"][0]["method"] == "linear" and info["history"][0]["converged"]


def test_mean_of_a_text_variable_is_refused_in_french(frame):
    design = Design.from_frame(frame, weights="weight")
    with pytest.raises(UserError, match="pas numérique"):
        estimate(design, "answer")


@pytest.mark.parametrize(("value", "zero_side"), [(0.0, "low"), (1.0, "high")])
def test_share_of_zero_or_one_gets_an_exact_interval_not_a_bare_figure(frame, value, zero_side):
    frame = frame.assign(y=np.where(frame["commune"] == "c1", value, frame["y"]))
    design = Design.from_frame(frame, weights="weight", strata="commune")
    row = estimate(design, "y", "proportion", level=1.0, by="commune", reliability=False).iloc[0]
    w = frame.loc[frame["commune"] == "c1", "weight"]
    bound = 0.025 ** (1 / (w.sum() ** 2 / (w**2).sum()))  # Clopper-Pearson, Kish n
    assert row["estimate"] == value and row["ci_method"] == "clopper_pearson_kish"
    expected = (0.0, 1 - bound) if zero_side == "low" else (bound, 1.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(expected, rel=1e-12)
    others = estimate(design, "y", "proportion", level=1.0, by="commune", reliability=False).iloc[1:]
    assert set(others["ci_method"]) == {"logit"}
    r_like = estimate(design, "y", "proportion", level=1.0, by="commune", reliability=False,
                      settings={"boundary_interval": "none"}).iloc[0]
    assert np.isnan(r_like["ci_low"]) and r_like["ci_method"] == "logit"

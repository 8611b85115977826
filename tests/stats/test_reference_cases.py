"""Every case folder under reference_cases/ is answered like R's survey package (expected.json).

Tolerances (issue 4): estimates 1e-8 relative, standard errors, CI bounds and deff 1e-6 relative,
calibrated weights 1e-8 relative; a null must be answered by a null. New folders are picked up.
Cases taken from R's own tests (values printed by R, or asserted by its `stopifnot`) declare
their precision in expected.json's "tolerance", may give "variance" (compared with se^2) where
R's test asserts a variance, and leave out the keys R's test does not publish.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from observatoire.cli import main
from observatoire.stats.case import run_case

CASES = Path(__file__).parent / "reference_cases"
FOLDERS = sorted(p for p in CASES.iterdir() if (p / "case.json").exists())
TOLERANCE = {"estimate": 1e-8, "se": 1e-6, "ci_low": 1e-6, "ci_high": 1e-6, "deff": 1e-6}


def _close(got, want, rtol, atol=0.0):
    if want is None or got is None:
        return got is None and want is None
    return abs(got - want) <= max(rtol * abs(want), atol) or (want == 0 and abs(got) < 1e-300)


def _tolerances(want: dict) -> dict:
    """(rtol, atol) per key: the defaults, or the case's declared precision (R's printed digits
    or the tolerance of R's own assertion)."""
    declared = want.get("tolerance", {})
    keys = {**TOLERANCE, "variance": TOLERANCE["se"]}
    return {
        key: (declared[key].get("relative", 0.0), declared[key].get("absolute", 0.0)) if key in declared else (rtol, 0.0)
        for key, rtol in keys.items()
    }


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_case_matches_r(folder):
    got = run_case(folder)
    want = json.loads((folder / "expected.json").read_text())
    if want["weights_after_calibration"] is None:
        assert got["weights_after_calibration"] is None
    else:
        np.testing.assert_allclose(got["weights_after_calibration"], want["weights_after_calibration"], rtol=1e-8)
    assert len(got["estimates"]) == len(want["estimates"])
    tolerances = _tolerances(want)
    for g, w in zip(got["estimates"], want["estimates"]):
        g = {**g, "variance": None if g["se"] is None else g["se"] ** 2}
        for key in ("kind", "variable", "level", "by", "domain", "ci"):
            assert g[key] == w[key], (key, g, w)
        assert "se" in w or "variance" in w, w
        for key, (rtol, atol) in tolerances.items():
            if key in w:
                assert _close(g[key], w[key], rtol, atol), (key, g, w)


def test_at_least_the_three_shared_cases_are_present():
    assert {"apistrat", "apiclus1", "apistrat_raked"} <= {p.name for p in FOLDERS}


def test_cli_prints_expected_json_shape(capsys):
    assert main(["estimate", str(CASES / "apistrat" / "case.json")]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["id"] == "apistrat"
    assert set(answer["estimates"][0]) == {"kind", "variable", "level", "by", "domain", "ci", "estimate", "se",
                                           "ci_low", "ci_high", "deff"}


@pytest.mark.parametrize("target", ["missing_folder", "case.json"])
def test_cli_unreadable_case_exits_2_in_french(tmp_path, target, capsys):
    path = tmp_path / target
    if target == "case.json":
        path.write_text("{not json")
    assert main(["estimate", str(path)]) == 2
    assert "Cas de référence illisible" in capsys.readouterr().err

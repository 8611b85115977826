"""pipeline.run: the Results every page, the CLI and the site read."""

import dataclasses
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from observatoire import disclosure
from observatoire.errors import UserError
from example_territory import DEMO_SURVEY, example_inputs, upload_inputs
from observatoire.pipeline import (
    BREAKDOWNS,
    ESTIMATE_COLUMNS,
    HEADLINE,
    WEIGHTING_COLUMNS,
    compare_groups,
    headline,
    question_estimates,
    run,
    survey_variables,
)
from observatoire.stats import COLUMNS


@pytest.fixture(scope="module")
def demo():
    return run(example_inputs())


@pytest.fixture(scope="module")
def demo_bytes():
    return DEMO_SURVEY.read_bytes()


def test_results_are_frozen_and_describe_the_demo(demo):
    assert demo.is_demo and demo.source == "survey.csv" and demo.validation.ok
    assert demo.waves == [2022, 2024]
    assert demo.sample_counts["n"].sum() == len(demo.sample) == 10_000
    assert set(demo.sample_counts["commune"]) == set(demo.spec.margins["commune"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo.provenance = {}


def test_estimates_have_the_estimate_table_columns_and_every_breakdown(demo):
    estimates = demo.estimates
    assert tuple(estimates.columns) == ESTIMATE_COLUMNS == ("wave", *COLUMNS)
    assert set(estimates["variable"]) == set(demo.spec.derived)
    assert set(estimates["domain_type"]) == {*BREAKDOWNS, "iris"}
    overall = estimates[estimates["domain_type"] == "overall"]
    assert len(overall) == len(demo.spec.derived) * 2 and overall["domain"].isna().all()
    communes = estimates[(estimates["domain_type"] == "commune") & (estimates["variable"] == "in_difficulty")]
    assert len(communes) == 28 * 2 and (communes["level"] == "1").all()


def test_every_published_row_has_n_interval_and_flag(demo):
    estimates = demo.estimates
    assert estimates["flag"].isin(["ok", "fragile", "withheld"]).all()
    assert (estimates["n_unweighted"] >= 0).all()
    withheld = estimates["flag"] == "withheld"
    assert withheld.any() and estimates.loc[withheld, ["estimate", "ci_low", "ci_high"]].isna().all().all()
    threshold = demo.settings["reliability_withhold_n"]
    assert withheld[estimates["n_unweighted"] < threshold].all()
    # the others withheld protect a small cell from subtraction (secondary disclosure): none leaks
    iris = demo.geography.iris
    parents = {"iris": ("commune", dict(zip(iris["code"], iris["commune"])))}
    assert (withheld & (estimates["n_unweighted"] >= threshold)).any()
    assert disclosure.audit(estimates, demo.settings, parents) == []
    published = estimates[~withheld]
    assert published[["estimate", "ci_method"]].notna().all().all()
    assert ((published["estimate"] >= 0) & (published["estimate"] <= 1)).all()


def test_weighting_diagnostics_per_wave(demo):
    weighting = demo.weighting
    assert tuple(weighting.columns) == WEIGHTING_COLUMNS and list(weighting["wave"]) == [2022, 2024]
    assert (weighting["kish_deff"] >= 1).all() and weighting["converged"].all()
    assert np.allclose(weighting["effective_n"] * weighting["kish_deff"], weighting["n"])


def test_weighted_share_in_difficulty_is_corrected_by_raking(demo):
    row = headline(demo).set_index("variable").loc["in_difficulty"]
    raw = demo.sample.loc[demo.sample["wave"] == 2024, "in_difficulty"].mean()
    assert row["wave"] == 2024 and row["ci_low"] < row["estimate"] < row["ci_high"]
    assert row["estimate"] > raw  # the raw sample over-represents graduates, under-represents 75+
    assert list(headline(demo)["variable"]) == list(HEADLINE)


def test_question_estimates_cover_every_answer(demo):
    assert survey_variables(demo.spec)[: len(demo.spec.derived)] == list(demo.spec.derived)
    table = question_estimates(demo, "admin_online", "age_band")
    assert tuple(table.columns) == ESTIMATE_COLUMNS
    assert set(table["level"]) == set(demo.spec.labels_fr["admin_online"])
    shares = table.groupby(["wave", "domain"])["estimate"].sum()
    assert np.allclose(shares, 1.0)


@pytest.mark.parametrize(("breakdown", "first", "second", "wave"), [("wave", 2024, 2022, None), ("sex", "F", "M", 2024)])
def test_compare_groups_gives_the_difference_and_its_interval(demo, breakdown, first, second, wave):
    row = compare_groups(demo, "in_difficulty", 1, breakdown, first, second, wave).iloc[0]
    assert row["difference"] == pytest.approx(row["estimate_first"] - row["estimate_second"])
    assert row["ci_low"] < row["difference"] < row["ci_high"]


def test_upload_from_memory_matches_the_file_and_changes_the_fingerprint(demo, demo_bytes):
    upload = run(upload_inputs("enquete.csv", demo_bytes))
    assert upload.provenance["survey"] == "real" and demo.provenance["survey"] == "demonstration"
    assert upload.source == "enquete.csv"
    pd.testing.assert_frame_equal(upload.estimates, demo.estimates)
    assert upload.fingerprint == demo.fingerprint  # same bytes, same inputs
    edited = upload_inputs("enquete.csv", demo_bytes.replace(b"2024-00001,", b"2024-A0001,"))
    assert edited.fingerprint() != demo.fingerprint


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("vide.csv", b"", "empty_file"),
        ("entete.csv", b"respondent_id,wave\n", "header_only"),
        ("faux.csv", b"respondent_id,wave,commune\nA1,2024,99999\n", "unknown_commune"),
    ],
)
def test_invalid_file_gives_findings_and_empty_tables(name, content, code):
    results = run(upload_inputs(name, content))
    assert not results.validation.ok and code in {f.code for f in results.validation.findings}
    assert results.design is None and results.sample_counts.empty and results.waves == []
    assert tuple(results.estimates.columns) == ESTIMATE_COLUMNS and results.estimates.empty
    assert tuple(results.weighting.columns) == WEIGHTING_COLUMNS and results.weighting.empty
    assert headline(results).empty and question_estimates(results, "admin_online", "sex").empty


def test_unreadable_file_raises_a_french_user_error():
    with pytest.raises(UserError, match="pas pris en charge"):
        run(upload_inputs("enquete.ods", b"PK\x03\x04"))


def _as_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def _as_sav(frame: pd.DataFrame) -> bytes:
    with tempfile.TemporaryDirectory() as folder:  # pyreadstat writes files only
        path = Path(folder) / "enquete.sav"
        pyreadstat.write_sav(frame, str(path))
        return path.read_bytes()


def test_spss_upload_is_read_from_memory(demo):
    wave_2024 = pd.read_csv(DEMO_SURVEY, dtype=str, keep_default_na=False).query("wave == '2024'")
    results = run(upload_inputs("enquete.sav", _as_sav(wave_2024)))
    assert results.validation.ok and results.waves == [2024]
    expected = demo.estimates.query("wave == 2024").reset_index(drop=True)  # waves are raked apart
    assert np.allclose(results.estimates["estimate"], expected["estimate"], equal_nan=True)


def test_xlsx_upload_is_read_from_memory_with_spreadsheet_rows():
    rows = pd.read_csv(DEMO_SURVEY, dtype=str, keep_default_na=False).head(30)
    rows.loc[rows.index[9], "commune"] = "99999"
    results = run(upload_inputs("enquete.xlsx", _as_xlsx(rows)))
    assert [(f.code, f.row, f.column) for f in results.validation.findings] == [("unknown_commune", 11, "commune")]

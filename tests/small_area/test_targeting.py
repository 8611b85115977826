"""Ranked IRIS lists: rank simulation properties, filters, flags, exports, covariates file."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from observatoire.errors import UserError
from observatoire.targeting import (
    LIST_COLUMNS,
    MODEL_COVARIATES,
    list_csv,
    list_xlsx,
    load_covariates,
    rank_areas,
    simulate_ranks,
)


@pytest.mark.parametrize("by", ["share", "count", "index"])
def test_rank_simulation_properties(demo_areas, by):
    areas = demo_areas.areas
    ranked = rank_areas(areas, by, top=None, k=20, n_draws=1000)
    assert len(ranked) == len(areas) and list(ranked["rank"]) == list(range(1, len(areas) + 1))
    assert ((ranked["rank_low"] <= ranked["rank"]) & (ranked["rank"] <= ranked["rank_high"])).all()
    assert ranked["p_top_k"].between(0, 1).all()
    assert ranked["p_top_k"].sum() == pytest.approx(20)
    assert ranked["p_top_k"].iloc[:5].mean() > ranked["p_top_k"].iloc[-50:].mean()


def test_ranking_by_share_and_count_follow_the_point_estimates(demo_areas):
    by_share = rank_areas(demo_areas.areas, "share", top=None, n_draws=200)
    assert by_share["estimate"].is_monotonic_decreasing
    by_count = rank_areas(demo_areas.areas, "count", top=None, n_draws=200)
    assert by_count["count"].is_monotonic_decreasing
    by_index = rank_areas(demo_areas.areas, "index", top=None, n_draws=200)
    assert by_index["fragility_index"].is_monotonic_decreasing


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    m=st.integers(2, 25),
    k=st.integers(1, 25),
    seed=st.integers(0, 10_000),
    by=st.sampled_from(["share", "count", "index"]),
)
def test_rank_simulation_on_random_areas(m, k, seed, by):
    rng = np.random.default_rng(seed)
    areas = pd.DataFrame(
        {
            "theta": rng.uniform(0.1, 1.0, m),
            "theta_mse": rng.uniform(0.0005, 0.02, m),
            "population_15plus": rng.integers(50, 5000, m),
            **{c: rng.uniform(0, 0.4, m) for c in ("share_65plus", "share_no_diploma", "poverty_rate")},
            **{c: rng.choice([0.0, 0.1], m) for c in ("thd_non_coverage", "mobile_non_coverage")},
        }
    )
    areas["estimate"] = np.sin(areas["theta"]) ** 2
    ranks = simulate_ranks(areas, by, n_draws=300, seed=seed)
    low, high = ranks.interval()
    assert sorted(ranks.point) == list(range(1, m + 1))
    assert ((ranks.draws >= 1) & (ranks.draws <= m)).all()
    assert (np.sort(ranks.draws, axis=1) == np.arange(1, m + 1)).all()  # a permutation per draw
    assert ((low <= ranks.point) & (ranks.point <= high)).all()
    k = min(k, m)
    assert ranks.p_top(k).sum() == pytest.approx(k)


def test_simulation_is_seeded(demo_areas):
    first = rank_areas(demo_areas.areas, "share", n_draws=300, seed=5)
    again = rank_areas(demo_areas.areas, "share", n_draws=300, seed=5)
    pd.testing.assert_frame_equal(first, again)


def test_commune_filter_ranks_within_the_commune(demo_areas):
    ranked = rank_areas(demo_areas.areas, "share", top=None, commune="33249", n_draws=300)
    assert (ranked["commune"] == "33249").all() and (ranked["commune_name"] == "Lormont").all()
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert ranked["rank_high"].max() <= len(ranked)
    with pytest.raises(UserError, match="99999"):
        rank_areas(demo_areas.areas, commune="99999")


def test_unknown_criterion(demo_areas):
    with pytest.raises(UserError, match="inconnu"):
        rank_areas(demo_areas.areas, "beauty")


def test_list_columns_flags_and_disclosure(demo_areas):
    ranked = rank_areas(demo_areas.areas, "share", top=None, n_draws=200)
    assert list(ranked.columns) == [*LIST_COLUMNS, "flags"]
    assert ranked.loc[ranked["n_unweighted"] < 11, "direct"].isna().all()
    # Within a commune, a blank direct share is never alone (or under 11 respondents with the others
    # blanked): its commune's published share minus the other IRIS would give it back.
    blank = ranked[ranked["direct"].isna() & (ranked["n_unweighted"] > 0)]
    per_commune = blank.groupby("commune")["n_unweighted"].agg(["size", "sum"])
    assert ((per_commune["size"] >= 2) & (per_commune["sum"] >= 11)).all()
    complementary = blank[blank["n_unweighted"] >= 11]
    assert len(complementary) > 0 and ranked.loc[ranked["n_unweighted"] >= 11, "direct"].notna().sum() > 100
    synthetic = ranked[ranked["n_unweighted"] == 0]
    assert len(synthetic) > 0
    assert (synthetic["method"] == "synthétique").all()
    assert synthetic["flag"].str.contains("synthétique").all()
    small = ranked[(ranked["n_unweighted"] > 0) & (ranked["n_unweighted"] < 30)]
    assert small["flag"].str.contains("petit échantillon").all()
    assert (ranked.loc[ranked["flags"].str.len() == 0, "flag"] == "ok").all()
    assert not ranked.loc[ranked["n_unweighted"] < 11, "flag"].str.contains("identiques").any()


def test_csv_export_for_french_spreadsheets(demo_areas):
    ranked = rank_areas(demo_areas.areas, "share", top=5, n_draws=200)
    content = list_csv(ranked)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(";") == list(LIST_COLUMNS)
    assert len(lines) == 6
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"commune": str, "iris": str})
    np.testing.assert_allclose(back["estimate"], ranked["estimate"].round(4))
    assert back["iris"].str.len().eq(9).all()


def test_xlsx_export(demo_areas):
    ranked = rank_areas(demo_areas.areas, "count", top=7, n_draws=200)
    book = load_workbook(io.BytesIO(list_xlsx(ranked)))
    assert book.sheetnames == ["Lisez-moi", "Quartiers"]
    sheet = book["Quartiers"]
    assert [c.value for c in sheet[1]] == list(LIST_COLUMNS)
    assert sheet.max_row == 8
    notes = " ".join(str(c.value) for c in book["Lisez-moi"]["A"] if c.value)
    assert "nombre estimé" in notes and "p_top_k" in notes
    assert "démonstration" not in notes and not sheet.oddHeader.center.text


def test_xlsx_export_of_demo_data_says_so(demo_areas, demo_results):
    note = demo_results.demo_note
    book = load_workbook(io.BytesIO(list_xlsx(rank_areas(demo_areas.areas, "share", top=3, n_draws=50), demo=note)))
    assert book["Lisez-moi"]["A1"].value == note and book["Quartiers"].oddHeader.center.text == note
    assert [c.value for c in book["Quartiers"][1]] == list(LIST_COLUMNS)


HEADER = "iris;commune;population;population_15plus;" + ";".join(MODEL_COVARIATES)


def _covariates_file(tmp_path, *rows: str):
    path = tmp_path / "cov.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_load_covariates_accepts_decimal_commas_and_keeps_gaps(tmp_path):
    path = _covariates_file(
        tmp_path,
        "330630101;33063;1500;1200;0,21;0,1;0,15;0,4;0,08;0;0",
        "330630102;33063;900;800;0.3;0.2;;0.5;0.1;0.01;0",
    )
    table = load_covariates(path)
    assert list(table.index) == ["330630101", "330630102"]
    assert table.loc["330630101", "share_65plus"] == pytest.approx(0.21)
    assert np.isnan(table.loc["330630102", "poverty_rate"])


@pytest.mark.parametrize(
    "row, message",
    [
        ("33063010;33063;1500;1200;0.2;0.1;0.1;0.4;0.08;0;0", "code IRIS invalide"),
        ("330690101;33063;1500;1200;0.2;0.1;0.1;0.4;0.08;0;0", "code IRIS invalide"),
        ("330630101;33063;1500;1200;abc;0.1;0.1;0.4;0.08;0;0", "non numérique"),
        ("330630101;33063;1500;1200;1.2;0.1;0.1;0.4;0.08;0;0", "hors de"),
    ],
)
def test_load_covariates_refuses_bad_rows(tmp_path, row, message):
    with pytest.raises(UserError, match=message) as err:
        load_covariates(_covariates_file(tmp_path, row))
    assert "ligne 2" in err.value.message


def test_load_covariates_needs_every_column(tmp_path):
    path = tmp_path / "cov.csv"
    path.write_text("iris;commune;population\n330630101;33063;10\n", encoding="utf-8")
    with pytest.raises(UserError, match="population_15plus"):
        load_covariates(path)


def test_missing_covariate_in_real_file_names_iris_and_column(demo_results, demo_covariates):
    from observatoire.targeting import area_estimates

    covariates = demo_covariates.copy()
    covariates.loc["330630101", "poverty_rate"] = np.nan
    with pytest.raises(UserError) as err:
        area_estimates(demo_results.design, covariates, demo_results.geography, 2024)
    assert "poverty_rate" in err.value.message and "330630101" in err.value.message


def test_demo_model_estimates_are_closer_to_the_truth_than_direct_ones(demo_areas):
    from observatoire.demo.survey import build_population

    truth = build_population().truth(demo_areas.wave).query("geo_level == 'iris'").set_index("geo_code")["in_difficulty"]
    areas = demo_areas.areas.assign(truth=lambda t: t["iris"].map(truth))
    small = areas[(areas["n_unweighted"] > 0) & (areas["n_unweighted"] < 30)]
    model_mse = ((small["estimate"] - small["truth"]) ** 2).mean()
    direct_mse = ((small["direct"] - small["truth"]) ** 2).mean()
    assert model_mse < 0.5 * direct_mse
    covered = (areas["ci_low"] <= areas["truth"]) & (areas["truth"] <= areas["ci_high"])
    assert covered.mean() > 0.85

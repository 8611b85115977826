"""Ranked areas: rank simulation properties, tiers from simulated ranks, the minimum population,
filters, flags and disclosure; the area table's shape; the covariates file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatoire.areas.covariates import MODEL_COVARIATES, load_covariates
from observatoire.areas.model import AREA_COLUMNS, area_estimates
from observatoire.areas.ranking import RankDraws, rank_areas, simulate_ranks
from observatoire.errors import UserError
from observatoire.settings import resolve
from observatoire.stats import COLUMNS

NO_MINIMUM = resolve({"ranking_min_population": 0})


@pytest.mark.parametrize("by", ["share", "count", "index"])
def test_rank_simulation_properties(demo_areas, by):
    areas = demo_areas.areas
    ranked = rank_areas(areas, by, k=20, n_draws=1000, settings=NO_MINIMUM)
    assert len(ranked) == len(areas) and list(ranked["rank"]) == list(range(1, len(areas) + 1))
    assert ((ranked["rank_low"] <= ranked["rank"]) & (ranked["rank"] <= ranked["rank_high"])).all()
    assert ranked["p_top_k"].between(0, 1).all()
    assert ranked["p_top_k"].sum() == pytest.approx(20)
    assert ranked["p_top_k"].iloc[:5].mean() > ranked["p_top_k"].iloc[-50:].mean()


def test_ranking_by_share_and_count_follow_the_point_estimates(demo_areas):
    by_share = rank_areas(demo_areas.areas, "share", n_draws=200, settings=NO_MINIMUM)
    assert by_share["estimate"].is_monotonic_decreasing
    by_count = rank_areas(demo_areas.areas, "count", n_draws=200, settings=NO_MINIMUM)
    assert by_count["count"].is_monotonic_decreasing
    by_index = rank_areas(demo_areas.areas, "index", n_draws=200, settings=NO_MINIMUM)
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
    ranked = rank_areas(demo_areas.areas, "share", commune="33249", n_draws=300, settings=NO_MINIMUM)
    assert (ranked["commune"] == "33249").all() and len(ranked) == (demo_areas.areas["commune"] == "33249").sum()
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert ranked["rank_high"].max() <= len(ranked)
    with pytest.raises(UserError, match="99999"):
        rank_areas(demo_areas.areas, commune="99999")


def test_unknown_criterion(demo_areas):
    with pytest.raises(UserError, match="inconnu"):
        rank_areas(demo_areas.areas, "beauty")


def test_area_table_is_an_estimate_table_with_codes(demo_areas):
    areas = demo_areas.areas
    assert list(areas.columns) == list(AREA_COLUMNS) and list(areas.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert set(areas["method"]) == {"eblup", "synthetic"}
    assert (areas["method"] == "synthetic").eq(areas["n_unweighted"] == 0).all()
    assert (areas.loc[areas["method"] == "synthetic", "gamma"] == 0).all()
    assert areas.loc[areas["method"] == "eblup", "gamma"].between(0, 1, inclusive="neither").all()
    assert (areas["flag"] == np.where(areas["method"] == "synthetic", "fragile", "ok")).all()
    assert (areas["domain_type"] == "iris").all() and (areas["domain"].str[:5] == areas["commune"]).all()
    np.testing.assert_allclose(areas["count"], areas["estimate"] * areas["population_15plus"])
    deciles = [c for c in areas.columns if c.endswith("_decile")]
    assert len(deciles) == 6 and areas[deciles].isin(range(1, 11)).all().all()


def test_flags_and_disclosure(demo_areas):
    ranked = rank_areas(demo_areas.areas, "share", n_draws=200, settings=NO_MINIMUM)
    assert ranked.loc[ranked["n_unweighted"] < 11, ["direct", "direct_se"]].isna().all().all()
    # Complementary suppression: within a commune, withheld direct shares are never a single
    # cell nor fewer than 11 respondents together (else subtraction from the commune gives them back).
    hidden = ranked[ranked["direct"].isna() & (ranked["n_unweighted"] > 0)]
    per_commune = hidden.groupby("commune")["n_unweighted"].agg(["size", "sum"])
    assert (per_commune["size"] >= 2).all() and (per_commune["sum"] >= 11).all()
    published = ranked[ranked["direct"].notna()]
    assert (published["n_unweighted"] >= 11).all() and len(published) > 0.9 * (ranked["n_unweighted"] >= 11).sum()
    # gamma and the covariate-only prediction would give a withheld direct value back
    small = ranked[ranked["n_unweighted"].between(1, 10)]
    assert len(small) and small["synthetic_share"].isna().all()
    synthetic = ranked[ranked["n_unweighted"] == 0]
    assert len(synthetic) and synthetic["flags"].map(lambda f: "synthetic" in f).all()
    fragile = ranked[ranked["n_unweighted"].between(1, 29)]
    assert fragile["flags"].map(lambda f: "small_n" in f).all()
    assert not small["flags"].map(lambda f: "same_answer" in f).any()


def _draws(columns: list[list[int]]) -> RankDraws:
    """Simulated ranks given per area (columns), one draw per row."""
    draws = np.array(columns).T
    return RankDraws(point=np.arange(1, draws.shape[1] + 1), draws=draws)


def test_tiers_come_from_the_simulated_rank_distribution():
    # 4 areas, k = 1, 40 draws: area a first in 30, b in 10; c reaches rank 1 in 1 draw of 40
    # (2.5 %: its 95 % interval starts at 1); d never does.
    a = [1] * 30 + [2] * 10
    b = [2] * 30 + [1] * 10
    c = [3] * 39 + [2]
    d = [4] * 40
    ranks = _draws([a, b, c, d])
    np.testing.assert_allclose(ranks.p_top(1), [0.75, 0.25, 0.0, 0.0])
    low, high = ranks.interval()
    assert list(low) == [1, 1, 2, 4] and list(high) == [2, 2, 3, 4]
    assert list(ranks.tiers(1)) == [1, 2, 3, 3]
    assert list(ranks.tiers(2)) == [1, 1, 2, 3]  # c's interval reaches rank 2, P(top 2) = 1/40
    assert list(ranks.tiers(4)) == [1, 1, 1, 1]
    tie = _draws([[1] * 20 + [2] * 20, [2] * 20 + [1] * 20])  # exactly one chance in two: tier 1
    assert list(tie.tiers(1)) == [1, 1]


def test_ranked_list_has_rank_column_and_tiers(demo_areas):
    ranked = rank_areas(demo_areas.areas, "count", k=20, n_draws=1000)
    listed = ranked.dropna(subset=["rank"])
    assert list(listed["rank"]) == list(range(1, len(listed) + 1))
    assert set(listed["tier"]) == {1, 2, 3}
    assert (listed["tier"] == 1).sum() <= 2 * 20  # sum of P(top k) is k
    assert (listed.loc[listed["tier"] == 1, "p_top_k"] >= 0.5).all()
    assert (listed.loc[listed["tier"] > 1, "p_top_k"] < 0.5).all()
    assert (listed.loc[listed["tier"] == 2, "rank_low"] <= 20).all()
    assert (listed.loc[listed["tier"] == 3, "rank_low"] > 20).all()
    assert ranked.attrs["k"] == 20 and ranked.attrs["by"] == "count"


def test_minimum_population_keeps_small_areas_apart(demo_areas):
    areas = demo_areas.areas
    rule = resolve({"ranking_min_population": 500})
    ranked = rank_areas(areas, "share", settings=rule, n_draws=200)
    small = areas["population_15plus"] < 500
    assert small.sum() > 5 and len(ranked) == len(areas)
    unranked = ranked[ranked["rank"].isna()]
    assert set(unranked["domain"]) == set(areas.loc[small, "domain"])
    assert unranked["tier"].isna().all() and unranked["p_top_k"].isna().all()
    assert unranked["flags"].map(lambda f: f[0] == "small_population").all()
    assert list(ranked["rank"].iloc[: len(ranked) - len(unranked)]) == list(range(1, len(ranked) - len(unranked) + 1))
    assert ranked["rank"].iloc[-len(unranked):].isna().all()  # listed after the ranked ones
    assert ranked["p_top_k"].sum() == pytest.approx(20)  # the small ones take no place in the top k
    # the default setting keeps the activity zones of the example (a few dozen residents) out
    default = rank_areas(areas, "share", n_draws=200)
    assert default["rank"].isna().sum() == (areas["population_15plus"] < 200).sum() > 0


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
    covariates = demo_covariates.copy()
    covariates.loc["330630101", "poverty_rate"] = np.nan
    with pytest.raises(UserError) as err:
        area_estimates(demo_results.design, covariates, 2024)
    assert "poverty_rate" in err.value.message and "330630101" in err.value.message


def test_demo_model_estimates_are_closer_to_the_truth_than_direct_ones(demo_areas):
    from observatoire.demo.survey import build_population

    truth = build_population().truth(demo_areas.wave).query("geo_level == 'iris'").set_index("geo_code")["in_difficulty"]
    areas = demo_areas.areas.assign(truth=lambda t: t["domain"].map(truth))
    small = areas[(areas["n_unweighted"] > 0) & (areas["n_unweighted"] < 30)]
    model_mse = ((small["estimate"] - small["truth"]) ** 2).mean()
    direct_mse = ((small["direct"] - small["truth"]) ** 2).mean()
    assert model_mse < 0.5 * direct_mse
    covered = (areas["ci_low"] <= areas["truth"]) & (areas["truth"] <= areas["ci_high"])
    assert covered.mean() > 0.85


@settings(max_examples=25, deadline=None, derandomize=True)
@given(m=st.integers(1, 40), distinct=st.integers(1, 8), seed=st.integers(0, 1000))
def test_fast_row_deciles_and_ranks_equal_the_reference(m, distinct, seed):
    from observatoire.areas.ranking import _ranks, _row_deciles
    from observatoire.fragility import deciles

    rng = np.random.default_rng(seed)
    values = rng.integers(0, distinct, (6, m)).astype(float)  # many ties
    assert (_row_deciles(values) == np.apply_along_axis(deciles, -1, values)).all()
    tiebreak = rng.random((6, m))
    order = np.lexsort((-tiebreak, -values), axis=-1)
    expected = np.empty_like(order)
    np.put_along_axis(expected, order, np.arange(1, m + 1), axis=-1)
    assert (_ranks(values, tiebreak) == expected).all()

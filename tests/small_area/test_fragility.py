"""Digital fragility index (inspired by the IFN): deciles, mean, components, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from observatoire.errors import UserError
from observatoire.fragility import COMPONENT_COLUMNS, deciles, fragility_index


@pytest.mark.parametrize(
    "values, expected",
    [
        (list(range(10)), list(range(1, 11))),
        (list(range(20)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10]),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0.5], [1, 1, 1, 1, 1, 1, 1, 1, 9, 10]),  # ties share the lower decile
        ([3, 1, 2], [7, 1, 4]),
    ],
)
def test_deciles(values, expected):
    assert list(deciles(values)) == expected


def test_deciles_are_monotone_and_bounded():
    rng = np.random.default_rng(2)
    values = rng.normal(size=277)
    ranks = deciles(values)
    assert ranks.min() == 1 and ranks.max() == 10
    order = np.argsort(values)
    assert (np.diff(ranks[order]) >= 0).all()
    assert np.bincount(ranks)[1:].min() >= 27  # about a tenth in each decile


def _indicators(n=30, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: rng.uniform(0, 0.5, n) for c in COMPONENT_COLUMNS}, index=[f"a{i}" for i in range(n)])


def test_index_is_the_mean_of_component_deciles():
    indicators = _indicators()
    result = fragility_index(indicators)
    decile_columns = [f"{c}_decile" for c in COMPONENT_COLUMNS]
    np.testing.assert_allclose(result["fragility_index"], result[decile_columns].mean(axis=1))
    assert result["fragility_index"].between(1, 10).all()
    assert list(result.index) == list(indicators.index)
    for column in COMPONENT_COLUMNS:
        np.testing.assert_array_equal(result[f"{column}_decile"], deciles(indicators[column]))
    assert sorted(result["fragility_rank"]) == list(range(1, 31))
    top = result.sort_values("fragility_rank").iloc[0]
    assert top["fragility_index"] == result["fragility_index"].max()


def test_more_fragile_area_scores_higher():
    indicators = _indicators()
    worst = indicators.index[0]
    indicators.loc[worst] = 0.9  # highest value on every component
    result = fragility_index(indicators)
    assert result.loc[worst, "fragility_index"] == 10
    assert result.loc[worst, "fragility_rank"] == 1


def test_subset_of_components_and_reproducibility():
    indicators = _indicators()
    chosen = ("share_65plus", "poverty_rate")
    result = fragility_index(indicators, chosen)
    assert "thd_non_coverage_decile" not in result
    pd.testing.assert_frame_equal(result, fragility_index(indicators, chosen))


def test_missing_component_and_missing_value_are_user_errors():
    indicators = _indicators()
    with pytest.raises(UserError, match="poverty_rate"):
        fragility_index(indicators.drop(columns="poverty_rate"))
    indicators.iloc[4, 2] = np.nan
    with pytest.raises(UserError, match="a4"):
        fragility_index(indicators)


def test_demo_index_by_iris_and_commune(demo_areas, demo_results, demo_covariates):
    from observatoire.areas.model import AREA_COLUMNS, commune_estimates

    areas = demo_areas.areas
    assert areas["fragility_index"].between(1, 10).all()
    communes = commune_estimates(demo_results.design, demo_covariates, max(demo_results.waves)).areas
    assert len(communes) == 28 and communes["fragility_index"].between(1, 10).all()
    assert list(communes.columns) == list(AREA_COLUMNS) and (communes["domain"] == communes["commune"]).all()
    assert (communes["domain_type"] == "commune").all()

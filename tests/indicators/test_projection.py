"""OLS projection to 2026 against closed-form results (independent of statsmodels)."""

from __future__ import annotations

import pytest
from scipy import stats

from observatoire.indicators.projection import project

from .conftest import make_indicator, series


def test_exact_line_projects_exactly():
    # y = 10 + 2 (t - 2020): 2026 -> 22, no residual -> interval collapses, target 20 reached surely
    out = project(make_indicator(target=20.0), series({y: 10 + 2 * (y - 2020) for y in range(2020, 2025)}))
    assert out["projection_2026"] == pytest.approx(22.0)
    assert out["projection_low"] == pytest.approx(22.0) and out["projection_high"] == pytest.approx(22.0)
    assert out["projection_probability"] == 1.0


def test_noisy_series_matches_hand_computation():
    # years 2020..2024, y = 1, 3, 2, 5, 4 ; x̄ = 2022, Sxx = 10, slope = 8/10 = 0.8, ȳ = 3
    # fit at 2026 = 3 + 0.8*4 = 6.2 ; residuals -0.4, 0.8, -1, 1.2, -0.6 -> SSE 3.6, s² = 3.6/3 = 1.2
    # se_pred² = s² (1 + 1/5 + 4²/10) = 1.2 * 2.8 = 3.36 ; t(0.975, 3) = 3.182446
    # 95 % prediction interval = 6.2 ± 3.182446 * 1.833030 = [0.366470 ; 12.033530]
    out = project(make_indicator(target=5.0), series(dict(zip(range(2020, 2025), [1, 3, 2, 5, 4], strict=True))))
    assert out["projection_2026"] == pytest.approx(6.2)
    assert out["projection_low"] == pytest.approx(0.366470, abs=1e-5)
    assert out["projection_high"] == pytest.approx(12.033530, abs=1e-5)
    assert out["projection_df"] == 3
    # P(Y >= 5) = 1 - F_t3((5 - 6.2) / 1.833030)
    assert out["projection_probability"] == pytest.approx(1 - stats.t.cdf(-1.2 / 1.833030, 3), abs=1e-6)
    decreasing = project(make_indicator(target=5.0, direction="decrease"),
                         series(dict(zip(range(2020, 2025), [1, 3, 2, 5, 4], strict=True))))
    assert decreasing["projection_probability"] == pytest.approx(stats.t.cdf(-1.2 / 1.833030, 3), abs=1e-6)


def test_band_probability_is_mass_inside_the_band():
    ind = make_indicator(direction="band", band={"low": 0, "high": 6.2}, target=None)
    out = project(ind, series(dict(zip(range(2020, 2025), [1, 3, 2, 5, 4], strict=True))))
    # P(0 <= Y <= 6.2) = F(0) - F((0 - 6.2)/1.833030) = 0.5 - F_t3(-3.38238)
    assert out["projection_probability"] == pytest.approx(0.5 - stats.t.cdf(-6.2 / 1.833030, 3), abs=1e-6)


@pytest.mark.parametrize("points", [{}, {2023: 1.0}, {2023: 1.0, 2024: 2.0}])
def test_fewer_than_three_points_gives_no_projection(points):
    out = project(make_indicator(), series(points))
    assert out["projection_2026"] is None and out["projection_probability"] is None
    assert "au moins 3" in out["projection_reason"]


def test_binary_has_no_trend():
    out = project(make_indicator(direction="binary", target=1), series({2021: 0, 2022: 0, 2023: 1}))
    assert out["projection_2026"] is None and "binaire" in out["projection_reason"]

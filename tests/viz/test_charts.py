import pandas as pd
import pytest

from observatoire.viz.charts import FRENCH_LOCALE, Projection, Unit, bar_chart, trend_chart


@pytest.fixture()
def groups() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variable": ["in_difficulty"] * 4,
            "domain": ["15-29", "30-44", "75+", "60-74"],
            "estimate": [0.12, 0.15, None, 0.31],
            "se": [0.01] * 4,
            "ci_low": [0.10, 0.13, None, 0.2],
            "ci_high": [0.14, 0.17, None, 0.43],
            "n_unweighted": [900, 800, 9, 40],
            "flag": ["ok", "ok", "withheld", "fragile"],
            "weighted_n": [1.0e5] * 4,
        }
    )


@pytest.fixture()
def series() -> pd.DataFrame:
    return pd.DataFrame(
        {"year": [2020, 2022, 2024], "value": [22.0, 20.0, 19.0], "ci_low": [20.0, 18.0, 17.0],
         "ci_high": [24.0, 22.0, 21.0], "geo_code": ["x"] * 3}
    )


def _datasets(spec: dict) -> list[list[dict]]:
    return list(spec["datasets"].values())


def test_bar_chart_ships_only_needed_columns_and_never_withheld(groups):
    spec = bar_chart(groups, title="Difficulté").to_dict()
    (rows,) = _datasets(spec)
    assert set(rows[0]) == {"categorie", "estimation", "bas", "haut", "fiabilite", "valeur", "ic", "n"}
    assert [r["categorie"] for r in rows] == ["15-29", "30-44", "60-74"]  # 75+ withheld: not drawn
    fragile = next(r for r in rows if r["categorie"] == "60-74")
    assert fragile["fiabilite"] == "fragile" and fragile["ic"] == "[20,0\u00a0;\u00a043,0]" and fragile["n"] == "40"


def test_bar_chart_has_whiskers_french_locale_and_reliability_legend(groups):
    spec = bar_chart(groups).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "errorbar"]
    assert spec["config"]["locale"] == FRENCH_LOCALE.to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    encoding = spec["layer"][0]["encoding"]
    assert encoding["opacity"]["legend"]["title"] == "Fiabilité"
    assert encoding["x"]["axis"]["format"] == ".0%"
    tooltips = [t["title"] for t in encoding["tooltip"]]
    assert tooltips == ["Catégorie", "Estimation", "IC à 95 %", "Effectif (n)", "Fiabilité"]


def test_trend_chart_layers_band_target_and_projection(series):
    chart = trend_chart(series, title="t", target=(2026, 15.0), projection=Projection(2026, 18.0, 16.0, 20.0))
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["area", "line", "line", "errorbar", "rule", "text"]
    texts = {r.get("libelle") for data in _datasets(spec) for r in data}
    assert "Cible 2026 : 15,0\u00a0%" in texts
    assert "Projection 2026 : 18,0\u00a0% [16,0\u00a0;\u00a020,0]" in texts
    observed = next(d for d in _datasets(spec) if len(d) == 3)
    assert set(observed[0]) == {"year", "value", "ci_low", "ci_high", "valeur", "ic"}
    assert observed[0]["ic"] == "[20,0\u00a0;\u00a024,0]"


@pytest.mark.parametrize(
    "unit, value, text",
    [(Unit(), 19.25, "19,2\u00a0%"), (Unit("t CO2e", 0), 1250.0, "1\u00a0250\u00a0t CO2e"), (Unit("", 2), 0.5, "0,50")],
)
def test_unit_formats_values(unit, value, text):
    assert unit.fmt(value) == text and unit.fmt(None) == "–"


def test_trend_chart_without_target_or_projection(series):
    spec = trend_chart(series.iloc[:1]).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "line"]


def test_presentation_size_enlarges_fonts(series):
    normal = trend_chart(series).to_dict()["config"]["axis"]["labelFontSize"]
    large = trend_chart(series, size="presentation").to_dict()["config"]["axis"]["labelFontSize"]
    assert large > normal

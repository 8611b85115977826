import pandas as pd
import pytest
import vl_convert

from observatoire import export

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


def test_bar_chart_ships_only_needed_columns_and_never_a_withheld_value(groups):
    spec = bar_chart(groups, title="Difficulté").to_dict()
    (rows,) = _datasets(spec)
    assert set(rows[0]) == {"categorie", "estimation", "bas", "haut", "fiabilite", "valeur", "ic", "n", "lacune"}
    assert [r["categorie"] for r in rows] == ["15-29", "30-44", "75+", "60-74"]  # the caller's order, 75+ kept
    gap = next(r for r in rows if r["categorie"] == "75+")
    assert gap["estimation"] is None and gap["bas"] is None and gap["haut"] is None and gap["lacune"] == "non diffusé"
    assert gap["valeur"] == "donnée non diffusée" and gap["ic"] == "–"
    fragile = next(r for r in rows if r["categorie"] == "60-74")
    assert fragile["fiabilite"] == "fragile" and fragile["ic"] == "[20,0\u00a0;\u00a043,0]" and fragile["n"] == "40"


def test_bar_chart_draws_a_withheld_group_as_a_labelled_gap(groups):
    spec = bar_chart(groups).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "errorbar", "text"]
    gap = spec["layer"][2]
    assert gap["encoding"]["text"]["field"] == "lacune" and gap["transform"] == [{"filter": "datum.lacune != ''"}]
    assert spec["layer"][0]["transform"] == [{"filter": "datum.lacune == ''"}]
    svg = vl_convert.vegalite_to_svg(export.chart_spec(bar_chart(groups), 500))
    assert svg.count(">non diffusé</text>") == 1 and ">75+</text>" in svg


def test_bar_chart_keeps_long_labels_whole():
    name = "Saint-Médard-en-Jalles-et-une-commune-au-nom-très-long"
    table = pd.DataFrame({"domain": [name], "estimate": [0.2], "ci_low": [0.1], "ci_high": [0.3],
                          "n_unweighted": [100], "flag": ["ok"]})
    spec = bar_chart(table).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] == 0
    assert name in vl_convert.vegalite_to_svg(export.chart_spec(bar_chart(table), 500))


def test_bar_chart_has_whiskers_french_locale_and_reliability_legend(groups):
    spec = bar_chart(groups).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "errorbar", "text"]
    assert spec["config"]["locale"] == FRENCH_LOCALE.to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    encoding = spec["layer"][0]["encoding"]
    assert encoding["opacity"]["legend"]["title"] == "Fiabilité"
    assert encoding["x"]["axis"]["format"] == ".0%"
    tooltips = [t["title"] for t in encoding["tooltip"]]
    assert tooltips == ["Catégorie", "Estimation", "IC à 95 %", "Effectif (n)", "Fiabilité"]


def test_trend_chart_layers_whiskers_target_and_projection(series):
    chart = trend_chart(series, title="t", target=(2026, 15.0), projection=Projection(2026, 18.0, 16.0, 20.0))
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["line", "errorbar", "line", "errorbar", "rule", "text"]
    texts = {r.get("libelle") for data in _datasets(spec) for r in data}
    assert "Cible 2026 : 15,0\u00a0%" in texts
    assert "Projection 2026 : 18,0\u00a0% [16,0\u00a0;\u00a020,0]" in texts
    observed = next(d for d in _datasets(spec) if len(d) == 3)
    assert set(observed[0]) == {"year", "value", "ci_low", "ci_high", "valeur", "ic"}
    assert observed[0]["ic"] == "[20,0\u00a0;\u00a024,0]"


def test_trend_chart_draws_intervals_only_at_survey_years():
    """Two survey waves and a year between them without a survey: no interval, no band there."""
    series = pd.DataFrame({"year": [2022, 2023, 2024], "value": [19.2, 18.9, 18.5],
                           "ci_low": [18.2, None, 17.5], "ci_high": [20.3, None, 19.6]})
    spec = trend_chart(series).to_dict()
    assert "area" not in [layer["mark"]["type"] for layer in spec["layer"]]
    whiskers = spec["layer"][1]
    assert whiskers["mark"]["type"] == "errorbar"
    assert [row["year"] for row in spec["datasets"][whiskers["data"]["name"]]] == [2022, 2024]


@pytest.mark.parametrize(
    "unit, value, text",
    [(Unit(), 19.25, "19,2\u00a0%"), (Unit("t CO2e", 0), 1250.0, "1\u00a0250\u00a0t CO2e"), (Unit("", 2), 0.5, "0,50")],
)
def test_unit_formats_values(unit, value, text):
    assert unit.fmt(value) == text and unit.fmt(None) == "–"


def test_trend_chart_without_target_or_projection(series):
    spec = trend_chart(series.iloc[:1]).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "errorbar"]


def test_presentation_size_enlarges_fonts(series):
    normal = trend_chart(series).to_dict()["config"]["axis"]["labelFontSize"]
    large = trend_chart(series, size="presentation").to_dict()["config"]["axis"]["labelFontSize"]
    assert large > normal

"""Carte: choropleth + legend + the same figures as an accessible table, fragile flagged, withheld hidden."""

import dataclasses
import io
import json

import pytest
from app_harness import page_test, with_demo
from openpyxl import load_workbook

from observatoire.formatting import fmt_percent
from observatoire.viz.legend import WITHHELD_COLOUR, hex_to_rgb

PAGE = "pages/map.py"
WAVE = 2024


def _with_flag(demo, commune: str, flag: str):
    """The demo results where one commune's share in difficulty (latest wave) gets `flag`."""
    estimates = demo.estimates.copy()
    row = ((estimates["wave"] == WAVE) & (estimates["variable"] == "in_difficulty") & (estimates["level"] == "1")
           & (estimates["domain_type"] == "commune") & (estimates["domain"] == commune))
    assert row.sum() == 1
    estimates.loc[row, "flag"] = flag
    return dataclasses.replace(demo, estimates=estimates), estimates.loc[row].iloc[0]


def _deck(at) -> dict:
    (chart,) = at.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)


def _features(at) -> dict[str, dict]:
    layer = next(layer for layer in _deck(at)["layers"] if layer["id"] == "areas")
    return {f["properties"]["name"]: f["properties"] for f in layer["data"]["features"]}


def test_map_nominal_shows_map_legend_table_and_text_alternative(demo):
    at = page_test(PAGE, demo)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value.startswith("Carte")
    assert at.selectbox[1].value == WAVE
    features = _features(at)
    assert len(features) == 28 and "Mérignac" in features
    assert "IC à 95 %" in json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)["html"]
    table = at.table[0].value
    assert len(table) == 28 and {"Estimation", "IC à 95 %", "Répondants (n)", "Fiabilité"} <= set(table.columns)
    assert any(c.value.startswith("Carte : en difficulté") for c in at.caption)
    legend = next(m.value for m in at.markdown if "contour tireté" in m.value)
    assert "donnée non diffusée" in legend and "de " in legend
    assert at.get("deck_gl_json_chart")[0].proto.alt.startswith("Carte :")


def test_map_iris_level_has_277_areas(demo):
    at = page_test(PAGE, demo)
    at.radio[0].set_value("iris").run()
    assert not at.exception
    areas = next(layer for layer in _deck(at)["layers"] if layer["id"] == "areas")
    assert len(areas["data"]["features"]) == 277  # IRIS names repeat across communes: count features
    e = demo.estimates
    rows = e[(e["wave"] == WAVE) & (e["variable"] == "in_difficulty") & (e["level"] == "1") & (e["domain_type"] == "iris")]
    assert len(at.table[0].value) == len(rows)  # IRIS without respondents: no row, « aucune estimation » on the map


def test_map_small_area_model_level_covers_every_iris_latest_wave_only(demo):
    at = page_test(PAGE, demo)
    at.radio[0].set_value("iris_model").run()
    assert not at.exception
    assert at.selectbox[1].options == [str(WAVE)]
    areas = next(layer for layer in _deck(at)["layers"] if layer["id"] == "areas")
    assert len(areas["data"]["features"]) == 277 and len(at.table[0].value) == 277
    synthetic = (demo.areas["method"] == "synthetic").sum()
    assert (at.table[0].value["Fiabilité"].str.contains("prudence")).sum() == synthetic
    at.selectbox[0].set_value("no_device").run()  # the model exists for the share in difficulty only
    assert at.radio[0].options == ["Communes", "IRIS, estimation directe"] and at.radio[0].value == "commune"


def test_map_draws_the_places_of_digital_mediation(demo):
    at = page_test(PAGE, demo)
    places = next(layer for layer in _deck(at)["layers"] if layer["id"] == "places")
    assert places["@@type"] == "ScatterplotLayer" and len(places["data"]) == len(demo.support.places) == 36
    assert any("36 lieux de médiation numérique" in c.value for c in at.caption)
    without = page_test(PAGE, dataclasses.replace(demo, support=None))
    assert not [layer for layer in _deck(without)["layers"] if layer["id"] == "places"]


def test_model_level_exports_no_direct_iris_share(demo, downloads):
    at = page_test(PAGE, demo)
    at.radio[0].set_value("iris_model").run()
    (name,) = [n for n in downloads if n.endswith(".csv") and "iris_model" in n]
    header = downloads[name]().decode("utf-8-sig").splitlines()[0].split(";")
    assert "direct" not in header and "synthetic_share" not in header and "estimate" in header


def test_map_fragile_area_is_outlined_and_flagged(demo):
    results, row = _with_flag(demo, "33063", "fragile")
    at = page_test(PAGE, results)
    fragile = next(layer for layer in _deck(at)["layers"] if layer["id"] == "fragile")
    assert {p["name"] for p in fragile["data"]} >= {"Bordeaux"}
    assert "prudence" in at.table[0].value.loc["Bordeaux", "Fiabilité"]
    assert _features(at)["Bordeaux"]["flag_fr"] == "fragile"


def test_map_withheld_area_is_grey_and_its_value_never_shown(demo):
    results, row = _with_flag(demo, "33063", "withheld")
    at = page_test(PAGE, results)
    bordeaux = _features(at)["Bordeaux"]
    assert bordeaux["fill"][:3] == list(hex_to_rgb(WITHHELD_COLOUR))
    assert bordeaux["estimate_fr"] == "donnée non diffusée" and bordeaux["interval_fr"] == "–"
    value = fmt_percent(row["estimate"])
    assert value not in json.dumps(bordeaux, ensure_ascii=False)
    shown = at.table[0].value.loc["Bordeaux"]
    assert shown["Estimation"] == "donnée non diffusée" and value not in shown.to_string()
    assert "Bordeaux" not in next(c.value for c in at.caption if c.value.startswith("Carte :"))


def test_map_with_empty_estimates_says_so(demo):
    results = dataclasses.replace(demo, estimates=demo.estimates.iloc[0:0])
    at = page_test(PAGE, results)
    assert not at.exception
    assert "Aucune estimation à cartographier" in at.info[0].value


@pytest.mark.parametrize("is_demo, suffix", [(True, "_demonstration"), (False, "")])
def test_map_downloads_say_demonstration_on_demo_data(demo, downloads, is_demo, suffix):
    at = page_test(PAGE, with_demo(demo, is_demo))
    assert not at.exception
    stem = f"carte_in_difficulty_commune_{WAVE}{suffix}"
    assert set(downloads) == {f"{stem}.csv", f"{stem}.xlsx"}
    readme = load_workbook(io.BytesIO(downloads[f"{stem}.xlsx"]()))["Lisez-moi"]
    assert (readme["A1"].value == demo.demo_note) is is_demo

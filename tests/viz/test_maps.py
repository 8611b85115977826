import json
import math

import pytest

from example_territory import example_geography
from observatoire.viz import maps
from observatoire.viz.legend import FRAGILE_OUTLINE, WITHHELD_COLOUR, hex_to_rgb


@pytest.fixture()
def figures(commune_estimates, commune_geometry):
    return maps.area_figures(commune_estimates, commune_geometry, "commune")


def _deck_json(figures, geometry, communes):
    return json.loads(maps.choropleth(figures, geometry, labels=communes).to_json())


def test_area_figures_cover_every_area_and_hide_withheld(figures):
    assert len(figures) == 28
    rows = figures.set_index("code")
    withheld = rows.loc["33522"]
    assert withheld["flag"] == "withheld" and math.isnan(withheld["estimate"])
    assert withheld["estimate_fr"] == "donnée non diffusée" and withheld["interval_fr"] == "–"
    assert withheld["n_unweighted"] == 226  # the n stays visible
    assert rows.loc["33550", "flag"] == "missing" and rows.loc["33550", "estimate_fr"] == "aucune estimation"
    assert rows.loc["33519", "flag_fr"] == "fragile"
    assert rows.loc["33003", "estimate_fr"] == "10,0\u00a0%"
    assert rows.loc["33003", "interval_fr"] == "[7,0\u00a0;\u00a013,0]"


def test_choropleth_has_no_basemap_nor_outside_address(figures, commune_geometry, communes):
    deck = maps.choropleth(figures, commune_geometry, labels=communes)
    text = deck.to_json()
    assert "http" not in text and "mapbox" not in text.lower() and "carto" not in text.lower()
    spec = json.loads(text)
    assert "mapProvider" not in spec and spec["mapStyle"] == "__MAP_STYLE__"  # pydeck's 'no map' sentinel


def test_choropleth_colours_withheld_grey_and_outlines_fragile(figures, commune_geometry, communes):
    spec = _deck_json(figures, commune_geometry, communes)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    fills = {f["properties"]["name"]: f["properties"]["fill"][:3] for f in layers["areas"]["data"]["features"]}
    grey = list(hex_to_rgb(WITHHELD_COLOUR))
    assert fills["Talence"] == grey and fills["Villenave-d'Ornon"] == grey
    assert sum(colour == grey for colour in fills.values()) == 2
    assert {p["name"] for p in layers["fragile"]["data"]} == {"Le Taillan-Médoc"}
    assert layers["fragile"]["getColor"][:3] == list(hex_to_rgb(FRAGILE_OUTLINE))
    assert layers["fragile"]["extensions"] == [{"@@type": "PathStyleExtension", "dash": True}]


def test_text_layer_handles_accents_and_tooltip_is_french(figures, commune_geometry, communes):
    deck = maps.choropleth(figures, commune_geometry, labels=communes)
    names = next(layer for layer in json.loads(deck.to_json())["layers"] if layer["id"] == "names")
    assert names["characterSet"] == "auto"
    assert "Mérignac" in {row["name"] for row in names["data"]}
    html = deck._tooltip["html"]
    for word in ("Estimation", "IC à 95 %", "Effectif (n)", "Fiabilité", "{interval_fr}", "{n_fr}"):
        assert word in html


def test_view_fits_the_territory(figures, commune_geometry):
    view = json.loads(maps.choropleth(figures, commune_geometry).to_json())["initialViewState"]
    assert 44.8 < view["latitude"] < 45.0 and -0.75 < view["longitude"] < -0.55 and 9 < view["zoom"] < 11


def test_iris_level_maps_all_277_areas(commune_estimates):
    geometry = example_geography().iris_shapes
    figures = maps.area_figures(commune_estimates.iloc[0:0], geometry, "iris")
    assert len(figures) == 277 and set(figures["flag"]) == {"missing"}
    deck = json.loads(maps.choropleth(figures, geometry, borders=example_geography().commune_shapes).to_json())
    assert len(deck["layers"][0]["data"]["features"]) == 277
    borders = next(layer for layer in deck["layers"] if layer["id"] == "borders")
    assert len(borders["data"]) >= 28  # one ring per commune polygon


def test_text_alternative_names_extremes_and_counts(figures):
    text = maps.text_alternative(figures, "part en difficulté", "commune")
    assert "par commune (28 territoires)" in text
    assert "la plus basse : Ambarès-et-Lagrave (10,0\u00a0%)" in text
    assert "la plus haute : Le Taillan-Médoc (35,0\u00a0%)" in text
    assert "1 territoire(s) : estimation fragile" in text and "1 territoire(s) : donnée non diffusée" in text


def test_priority_map_colours_tiers_draws_places_and_outlines_the_selection():
    import pandas as pd

    geography = example_geography()
    codes = list(geography.iris["code"][:4])
    shapes = {"type": "FeatureCollection",
              "features": [f for f in geography.iris_shapes["features"] if f["properties"]["code"] in codes]}
    figures = pd.DataFrame({"code": codes, "name": list("ABCD"), "tier": [1, 2, 3, None],
                            "tier_fr": ["priorité 1", "priorité 2", "priorité 3", "non classé"], "rank_fr": ["1", "2", "3", "–"],
                            "count_fr": ["10"] * 4, "estimate_fr": ["1 %"] * 4, "distance_fr": ["200 m"] * 4})
    places = pd.DataFrame({"nom": ["Lieu"], "longitude": [geography.iris["lon"][0]], "latitude": [geography.iris["lat"][0]]})
    deck = maps.priority_map(figures, shapes, places=places, selected=codes[1])
    text = deck.to_json()
    assert "http" not in text and "mapbox" not in text.lower()
    layers = {layer["id"]: layer for layer in json.loads(text)["layers"]}
    fills = {f["properties"]["code"]: f["properties"]["fill"][:3] for f in layers["areas"]["data"]["features"]}
    assert [fills[c] for c in codes] == [list(hex_to_rgb(maps.TIER_COLOURS[t])) for t in (1, 2, 3)] + [list(hex_to_rgb(WITHHELD_COLOUR))]
    assert layers["areas"]["pickable"] and not layers["places"]["pickable"]
    assert layers["places"]["data"] == [{"nom": "Lieu", "longitude": places["longitude"][0], "latitude": places["latitude"][0]}]
    assert layers["selected"]["data"][0]["path"] == shapes["features"][1]["geometry"]["coordinates"][0]
    assert "{tier_fr}" in deck._tooltip["html"] and "Lieu de médiation" in deck._tooltip["html"]


def _pixels(view: dict, lon: float, lat: float, width: int, height: int) -> tuple[float, float]:
    """Where deck.gl's MapView draws (lon, lat) in a map of that size (Web Mercator, 512 px tiles),
    computed independently of maps.view_state."""
    scale = 512 * 2 ** view["zoom"] / (2 * math.pi)

    def world(lon_, lat_):
        return scale * math.radians(lon_), -scale * math.log(math.tan(math.pi / 4 + math.radians(lat_) / 2))

    x, y = world(lon, lat)
    cx, cy = world(view["longitude"], view["latitude"])
    return width / 2 + x - cx, height / 2 + y - cy


@pytest.mark.parametrize("level", ["commune", "iris"])
@pytest.mark.parametrize("width, height", [(358, None), (328, None), (700, 520), (900, 520), (1200, 300)])
def test_view_shows_the_whole_territory_at_any_width(level, width, height):
    """Every contour point falls inside the map, padding kept; and the territory fills it on one
    side (not a speck): the east of the territory is no longer cut off on a 390 px phone."""
    geometry = example_geography().shapes(level)
    height = height or maps.fitted_height(geometry, width, 280, 520)
    view = maps.view_state(geometry, width, height)
    west, south, east, north = maps.bounds(geometry)
    left, top = _pixels(view, west, north, width, height)
    right, bottom = _pixels(view, east, south, width, height)
    pad = maps.MAP_PADDING_PX - 0.5
    assert pad <= left and right <= width - pad and pad <= top and bottom <= height - pad, (left, right, top, bottom)
    assert max((right - left) / (width - 2 * pad), (bottom - top) / (height - 2 * pad)) > 0.95


def test_fitted_height_follows_the_territory_and_its_limits(commune_geometry):
    at_phone = maps.fitted_height(commune_geometry, 358, 280, 520)
    assert 280 < at_phone < 520  # the example territory is a bit wider than tall
    assert maps.fitted_height(commune_geometry, 2000, 280, 520) == 520
    assert maps.fitted_height(commune_geometry, 100, 280, 520) == 280

"""Choropleth maps (pydeck) of an estimate table, with their accessible table and text alternative.

No basemap (`map_provider=None`): the app makes no request to a tile server. The areas come
from the territory's geography (`geo.Geography`, properties `code` and `name`); each keeps the estimate's interval, n and reliability flag, shown in the French
tooltip, the table beside the map and the text alternative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import pydeck as pdk

from observatoire.formatting import WITHHELD, fmt_interval, fmt_number
from observatoire.viz.legend import (
    FRAGILE_OUTLINE,
    WITHHELD_COLOUR,
    Classes,
    flag_label,
    fmt_value,
    hex_to_rgb,
    quantile_classes,
)

NO_DATA = "aucune estimation"


@dataclass(frozen=True)
class GeoLevel:
    """One map level: its French label, the contours it draws and how a sentence says it."""

    label: str
    shapes: str  # "commune" or "iris" (geo.Geography.shapes)
    phrase: str  # how the text alternative says it: « par commune »


GEO_LEVELS = {
    "commune": GeoLevel("Communes", "commune", "par commune"),
    "iris": GeoLevel("IRIS, estimation directe", "iris", "par IRIS"),
    "iris_model": GeoLevel("IRIS, modèle sur petits domaines", "iris", "par IRIS (modèle sur petits domaines)"),
}
# The size a map is fitted to until the page knows the width it is drawn at (ui.screen).
DEFAULT_SIZE = (700, 520)
PLACE_COLOUR = "#000000"  # places of digital mediation: black dots ringed in white, above every fill
SELECTED_OUTLINE = "#161616"
# Priority tiers, darkest first (ColorBrewer YlGnBu, colour-blind safe); unranked areas grey.
TIER_COLOURS = {1: "#2c7fb8", 2: "#7fcdbb", 3: "#edf8b1"}


def area_figures(estimates: pd.DataFrame, geometry: dict, level: str, percent: bool = True) -> pd.DataFrame:
    """One row per area of the geometry, in map order, with its estimate, CI, n, flag and French text.

    `estimates` is an estimate table (columns `domain, estimate, ci_low, ci_high, n_unweighted,
    flag`) whose `domain` holds the area codes. Areas without a row get flag `missing`; withheld
    rows keep their n but never show a value.
    """
    areas = pd.DataFrame(
        {
            "code": [f["properties"]["code"] for f in geometry["features"]],
            "name": [f["properties"]["name"] for f in geometry["features"]],
        }
    )
    columns = ["domain", "estimate", "ci_low", "ci_high", "n_unweighted", "flag"]
    table = areas.merge(estimates[columns].rename(columns={"domain": "code"}), on="code", how="left")
    table["flag"] = table["flag"].fillna("missing")
    hidden = table["flag"].isin(["withheld", "missing"])
    table.loc[hidden, ["estimate", "ci_low", "ci_high"]] = math.nan
    table["estimate_fr"] = [
        (WITHHELD if flag == "withheld" else NO_DATA) if hide else fmt_value(value, percent)
        for value, flag, hide in zip(table["estimate"], table["flag"], hidden)
    ]
    table["interval_fr"] = [
        fmt_interval(low, high, 1, percent=percent) for low, high in zip(table["ci_low"], table["ci_high"])
    ]
    table["n_fr"] = [fmt_number(n) for n in table["n_unweighted"]]
    table["flag_fr"] = [NO_DATA if flag == "missing" else flag_label(flag) for flag in table["flag"]]
    return table


def text_alternative(figures: pd.DataFrame, subject: str, level: str, percent: bool = True) -> str:
    """A French sentence summarising the map for screen readers and the printed report."""
    shown = figures.dropna(subset=["estimate"])
    parts = [f"Carte : {subject}, {GEO_LEVELS[level].phrase} ({len(figures)} territoires)."]
    if not shown.empty:
        low, high = shown.loc[shown["estimate"].idxmin()], shown.loc[shown["estimate"].idxmax()]
        parts.append(
            f"Valeur la plus basse : {low['name']} ({fmt_value(low['estimate'], percent)}) ; "
            f"la plus haute : {high['name']} ({fmt_value(high['estimate'], percent)})."
        )
    counts = figures["flag"].value_counts()
    for flag, text in (("fragile", "estimation fragile"), ("withheld", WITHHELD), ("missing", NO_DATA)):
        if counts.get(flag, 0):
            parts.append(f"{counts[flag]} territoire(s) : {text}.")
    return " ".join(parts)


def _rings(geometry: dict) -> list[list]:
    """Exterior rings of a Polygon or MultiPolygon (outlines of fragile areas)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


MAP_PADDING_PX = 12  # kept clear around the territory, so that no edge area touches the frame
TILE_PX = 512  # deck.gl's world width at zoom 0 (Web Mercator)


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of every exterior ring of the FeatureCollection."""
    points = [p for f in geometry["features"] for ring in _rings(f["geometry"]) for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _spans(box: tuple[float, float, float, float]) -> tuple[float, float]:
    """The box's width and height in world units at zoom 0 (pixels = units × 2**zoom)."""
    west, south, east, north = box
    return (east - west) / 360 * TILE_PX, (_mercator(north) - _mercator(south)) / (2 * math.pi) * TILE_PX


def view_state(geometry: dict, width_px: int, height_px: int) -> dict:
    """Centre and zoom (deck.gl's MapView) that show the whole territory in a map of that size,
    with `MAP_PADDING_PX` left around it; zoom rounded down, so never a pixel cut off."""
    box = bounds(geometry)
    west, south, east, north = box
    span_x, span_y = _spans(box)
    zoom = math.log2(min((width_px - 2 * MAP_PADDING_PX) / span_x, (height_px - 2 * MAP_PADDING_PX) / span_y))
    middle = (_mercator(north) + _mercator(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(middle)) - math.pi / 2)
    return {"latitude": round(latitude, 6), "longitude": round((west + east) / 2, 6), "zoom": math.floor(zoom * 100) / 100}


def fitted_height(geometry: dict, width_px: int, lowest: int, highest: int) -> int:
    """The map height (between `lowest` and `highest`) at which the territory, fitted to the
    width, fills the map: on a phone, no empty band above and below it."""
    span_x, span_y = _spans(bounds(geometry))
    height = (width_px - 2 * MAP_PADDING_PX) * span_y / span_x + 2 * MAP_PADDING_PX
    return int(min(highest, max(lowest, math.ceil(height))))


def choropleth(
    figures: pd.DataFrame,
    geometry: dict,
    classes: Classes | None = None,
    labels: pd.DataFrame | None = None,
    borders: dict | None = None,
    places: pd.DataFrame | None = None,
    selected: str | None = None,
) -> pdk.Deck:
    """A pydeck choropleth of `area_figures(...)`, without basemap.

    Withheld and missing areas are grey; fragile areas get a dashed vermillion outline (the
    legend and the tooltip say so in words). `labels` (columns `name, lon, lat`, e.g. the
    communes of `geo.Geography`) adds place names as a text layer (accents need `character_set="auto"`);
    `borders` (a FeatureCollection, e.g. the communes over an IRIS map) adds their outlines;
    `places` (columns `nom, longitude, latitude`) draws the places of digital mediation as dots;
    `selected` (an area code) outlines that area.
    """
    classes = classes or quantile_classes(figures["estimate"])
    by_code = figures.set_index("code")
    features, fragile_paths = [], []
    for feature in geometry["features"]:
        row = by_code.loc[feature["properties"]["code"]]
        properties = {
            "name": row["name"],
            "estimate_fr": row["estimate_fr"],
            "interval_fr": row["interval_fr"],
            "n_fr": row["n_fr"],
            "flag_fr": row["flag_fr"],
            "fill": [*hex_to_rgb(classes.colour(row["estimate"])), 230],
        }
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
        if row["flag"] == "fragile":
            fragile_paths += [{"path": ring, "name": row["name"]} for ring in _rings(feature["geometry"])]
    layers = [
        _areas_layer(features),
        pdk.Layer(
            "PathLayer",
            data=fragile_paths,
            id="fragile",
            get_path="path",
            get_color=[*hex_to_rgb(FRAGILE_OUTLINE), 255],
            width_min_pixels=3,
            get_dash_array=[3, 2],
            dash_justified=True,
            extensions=[{"@@type": "PathStyleExtension", "dash": True}],
        ),
    ]
    return _deck([*layers, *_context_layers(borders, labels, places, selected, geometry)], geometry, TOOLTIP)


TOOLTIP = {
    "html": "<b>{name}</b><br/>Estimation : {estimate_fr}<br/>IC à 95 % : {interval_fr}"
    "<br/>Effectif (n) : {n_fr}<br/>Fiabilité : {flag_fr}",
    "style": {"backgroundColor": "#161616", "color": "#ffffff", "fontSize": "0.85rem"},
}


def _areas_layer(features: list[dict]) -> pdk.Layer:
    """The areas, filled with their `properties.fill`, pickable (tooltip, selection)."""
    return pdk.Layer("GeoJsonLayer", data={"type": "FeatureCollection", "features": features}, id="areas",
                     pickable=True, stroked=True, filled=True, get_fill_color="properties.fill",
                     get_line_color=[255, 255, 255], line_width_min_pixels=1)


def _deck(layers: list, geometry: dict, tooltip: dict, size: tuple[int, int] = DEFAULT_SIZE) -> pdk.Deck:
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**view_state(geometry, *size)),
        # No basemap. map_style is left at pydeck's sentinel: an explicit None would let
        # Streamlit pick its default tile style (an outside request).
        map_provider=None,
        tooltip=tooltip,
    )


def _context_layers(borders: dict | None, labels: pd.DataFrame | None, places: pd.DataFrame | None,
                    selected: str | None, geometry: dict) -> list[pdk.Layer]:
    """What helps reading a map: commune borders, the selected area's outline, the places of
    digital mediation (not pickable: clicks select areas), place names."""
    layers = []
    if borders is not None:
        outlines = [{"path": ring} for feature in borders["features"] for ring in _rings(feature["geometry"])]
        layers.append(pdk.Layer("PathLayer", data=outlines, id="borders", get_path="path",
                                get_color=[22, 22, 22, 200], width_min_pixels=1.5))
    chosen = [f for f in geometry["features"] if selected is not None and f["properties"]["code"] == selected]
    if chosen:
        rings = [{"path": ring} for ring in _rings(chosen[0]["geometry"])]
        layers.append(pdk.Layer("PathLayer", data=rings, id="selected", get_path="path",
                                get_color=[*hex_to_rgb(SELECTED_OUTLINE), 255], width_min_pixels=4))
    if places is not None and not places.empty:
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=places[["nom", "longitude", "latitude"]].to_dict("records"), id="places",
            get_position=["longitude", "latitude"], get_radius=60, radius_min_pixels=4, radius_max_pixels=9,
            get_fill_color=[*hex_to_rgb(PLACE_COLOUR), 255], stroked=True, get_line_color=[255, 255, 255],
            line_width_min_pixels=1.5, pickable=False))
    if labels is not None:
        layers.append(
            pdk.Layer(
                "TextLayer",
                data=labels[["name", "lon", "lat"]].to_dict("records"),
                id="names",
                get_position=["lon", "lat"],
                get_text="name",
                get_size=12,
                get_color=[22, 22, 22],
                background=True,
                get_background_color=[255, 255, 255, 200],
                character_set=pdk.types.String("auto"),  # a literal, not an accessor
                font_family=pdk.types.String("sans-serif"),
            )
        )
    return layers


def priority_map(figures: pd.DataFrame, geometry: dict, *, places: pd.DataFrame | None = None,
                 selected: str | None = None, borders: dict | None = None,
                 size: tuple[int, int] = DEFAULT_SIZE) -> pdk.Deck:
    """Areas coloured by priority tier (`TIER_COLOURS`, unranked grey), pickable for selection,
    fitted to a map of `size` (width, height) px.

    `figures`: one row per area with `code` and the French texts of the tooltip (`name`,
    `tier_fr`, `rank_fr`, `count_fr`, `estimate_fr`, `distance_fr`) and `tier` (1..3 or missing).
    """
    by_code = figures.set_index("code")
    features = []
    for feature in geometry["features"]:
        code = feature["properties"]["code"]
        row = by_code.loc[code]
        tier = row["tier"]
        colour = WITHHELD_COLOUR if pd.isna(tier) else TIER_COLOURS[int(tier)]
        properties = {key: row[key] for key in ("name", "tier_fr", "rank_fr", "count_fr", "estimate_fr", "distance_fr")}
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": {"code": code, **properties, "fill": [*hex_to_rgb(colour), 230]}})
    tooltip = {
        "html": "<b>{name}</b><br/>{tier_fr} — rang {rank_fr}<br/>Personnes en difficulté : {count_fr}"
        "<br/>Part estimée : {estimate_fr}<br/>Lieu de médiation le plus proche : {distance_fr}",
        "style": TOOLTIP["style"],
    }
    return _deck([_areas_layer(features), *_context_layers(borders, None, places, selected, geometry)], geometry, tooltip,
                 size)

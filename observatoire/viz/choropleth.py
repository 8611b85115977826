"""A static choropleth (Altair/Vega-Lite geoshape) for printed documents: rendered offline by
vl-convert, with the same classes, colours, reliability marks and French legend as the app's
pydeck map (`viz.maps`, `viz.legend`).

The areas come from the territory's FeatureCollection (properties `code`, `name`); values from
`maps.area_figures`, so a withheld area is grey and says « donnée non diffusée », a fragile one
gets a dashed vermillion outline.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from observatoire.viz.charts import configure
from observatoire.viz.legend import FRAGILE_OUTLINE, WITHHELD_COLOUR, Classes
from observatoire.viz.maps import NO_DATA


def _signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:]))


def _wound(polygon: list) -> list:
    """Rings as d3-geo reads them: exterior clockwise, holes counter-clockwise. GeoJSON files
    (RFC 7946) wind the other way, which d3 takes for the whole sphere minus the area."""
    return [ring if (_signed_area(ring) < 0) == (position == 0) else ring[::-1] for position, ring in enumerate(polygon)]


def for_d3(geometry: dict) -> dict:
    """A Polygon or MultiPolygon with d3-geo's winding."""
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": _wound(geometry["coordinates"])}
    return {"type": "MultiPolygon", "coordinates": [_wound(polygon) for polygon in geometry["coordinates"]]}


def _feature(feature: dict, row: pd.Series, label: str) -> dict:
    properties = {"name": row["name"], "classe": label, "valeur": row["estimate_fr"], "ic": row["interval_fr"]}
    return {"type": "Feature", "properties": properties, "geometry": for_d3(feature["geometry"])}


def _inline(features: list[dict]) -> alt.InlineData:
    """Features as one JSON string: Altair deep-copies inline values at every step, and a
    territory's contours are tens of thousands of coordinates (seconds instead of milliseconds)."""
    return alt.InlineData(values=json.dumps(features, separators=(",", ":")), format=alt.DataFormat(type="json"))


def choropleth_chart(figures: pd.DataFrame, geometry: dict, classes: Classes, title: str = "",
                     legend_title: str = "", highlight: str | None = None, height: int = 420,
                     size: str = "normal") -> alt.LayerChart:
    """`figures` (`maps.area_figures`) drawn on `geometry` in `classes`; `highlight`: the code of
    one area outlined in black (a commune in its territory); `size`: `presentation` for large type."""
    entries = classes.legend()
    withheld_label = entries[-1].label
    by_code = figures.set_index("code")
    features, fragile, chosen = [], [], []
    for feature in geometry["features"]:
        row = by_code.loc[feature["properties"]["code"]]
        position = classes.index(row["estimate"])
        if position is None:
            label = withheld_label if row["flag"] == "withheld" else NO_DATA
        else:
            label = entries[position].label
        item = _feature(feature, row, label)
        features.append(item)
        if row["flag"] == "fragile":
            fragile.append(item)
        if feature["properties"]["code"] == highlight:
            chosen.append(item)
    domain = [e.label for e in entries] + ([NO_DATA] if any(f["properties"]["classe"] == NO_DATA for f in features) else [])
    colours = [e.colour for e in entries] + ([WITHHELD_COLOUR] if len(domain) > len(entries) else [])
    areas = alt.Chart(_inline(features)).mark_geoshape(stroke="white", strokeWidth=0.8).encode(
        color=alt.Color("properties.classe:N", scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(title=legend_title or None, orient="right", labelLimit=0)),
        tooltip=[alt.Tooltip("properties.name:N", title="Territoire"), alt.Tooltip("properties.valeur:N", title="Estimation"),
                 alt.Tooltip("properties.ic:N", title="IC à 95 %")],
    ).project(type="mercator")
    layers = [areas]
    if fragile:
        layers.append(alt.Chart(_inline(fragile)).mark_geoshape(
            filled=False, stroke=FRAGILE_OUTLINE, strokeWidth=2, strokeDash=[3, 2]).project(type="mercator"))
    if chosen:
        layers.append(alt.Chart(_inline(chosen)).mark_geoshape(
            filled=False, stroke="#161616", strokeWidth=3).project(type="mercator"))
    chart = alt.layer(*layers).properties(title=title, height=height, width="container")
    return configure(chart, size, description=title or None)

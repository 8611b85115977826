"""Readers of the territory's reference geography (data/geo): communes and IRIS.

Codes are returned as strings (INSEE codes keep their leading digits and are never numbers).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from observatoire.errors import UserError
from observatoire.paths import GEO_DIR

COMMUNES_CSV = GEO_DIR / "communes.csv"
IRIS_GEOJSON = GEO_DIR / "iris.geojson"


def load_communes(path: Path = COMMUNES_CSV) -> pd.DataFrame:
    """Communes: code, nom, centroid_lat, centroid_lon, area_km2, population_2021 (sorted by code)."""
    return _read_communes(Path(path)).copy()


def load_iris(path: Path = IRIS_GEOJSON) -> pd.DataFrame:
    """IRIS: code_iris, nom_iris, code_commune, nom_commune, typ_iris, lon, lat (sorted by code).

    lon/lat is the centroid of the IRIS's largest polygon (planar, in degrees: good enough for
    labels and distances within the métropole).
    """
    return _read_iris(Path(path)).copy()


@lru_cache(maxsize=4)
def _read_communes(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype={"code": str, "nom": str})
    except (OSError, ValueError) as err:
        raise UserError(
            f"Impossible de lire la table des communes {path} ({err}).",
            "Vérifiez que le fichier data/geo/communes.csv est présent et non modifié.",
        ) from err
    return frame.sort_values("code", ignore_index=True)


@lru_cache(maxsize=4)
def _read_iris(path: Path) -> pd.DataFrame:
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as err:
        raise UserError(
            f"Impossible de lire les contours IRIS {path} ({err}).",
            "Vérifiez que le fichier data/geo/iris.geojson est présent et non modifié.",
        ) from err
    rows = []
    for feature in features:
        props = feature["properties"]
        lon, lat = _centroid(feature["geometry"])
        rows.append({**{key: str(props[key]) for key in _IRIS_KEYS}, "lon": lon, "lat": lat})
    return pd.DataFrame(rows).sort_values("code_iris", ignore_index=True)


_IRIS_KEYS = ("code_iris", "nom_iris", "code_commune", "nom_commune", "typ_iris")


def _centroid(geometry: dict) -> tuple[float, float]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    best = max((_ring_centroid(np.asarray(poly[0], dtype=float)) for poly in polygons), key=lambda c: c[0])
    return best[1], best[2]


def _ring_centroid(ring: np.ndarray) -> tuple[float, float, float]:
    """Shoelace area and centroid of a closed ring: (|area|, x, y)."""
    x, y = ring[:-1, 0], ring[:-1, 1]
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y1 - x1 * y
    area = cross.sum() / 2
    if area == 0:
        return 0.0, float(x.mean()), float(y.mean())
    return abs(area), float(((x + x1) * cross).sum() / (6 * area)), float(((y + y1) * cross).sum() / (6 * area))

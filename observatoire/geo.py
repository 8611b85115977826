"""The territory's reference geography: communes and (optionally) IRIS, read from its contour files.

Codes are strings (INSEE codes keep their leading digits and are never numbers). Property names
come from the territory's observatoire.yaml; once loaded, every table and FeatureCollection uses
the same keys (`code`, `name`, and `commune` for an IRIS), so maps and labels never need to know
how a given file names them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from observatoire.errors import UserError
from observatoire.territory import GeoLayer, Territory

COMMUNE_COLUMNS = ("code", "name", "lon", "lat", "population")
IRIS_COLUMNS = ("code", "name", "commune", "commune_name", "kind", "lon", "lat")


@dataclass(frozen=True)
class Geography:
    """Communes and IRIS of one territory: tables (sorted by code) and FeatureCollections whose
    properties are `code`, `name` (and `commune` for IRIS)."""

    communes: pd.DataFrame  # COMMUNE_COLUMNS; population may be missing
    iris: pd.DataFrame  # IRIS_COLUMNS; empty when the territory has no IRIS contours
    commune_shapes: dict
    iris_shapes: dict | None

    @property
    def has_iris(self) -> bool:
        return self.iris_shapes is not None and not self.iris.empty

    def commune_names(self) -> dict[str, str]:
        return dict(zip(self.communes["code"], self.communes["name"]))

    def iris_names(self) -> dict[str, str]:
        """IRIS code -> « name (commune) »."""
        return {c: f"{n} ({m})" for c, n, m in zip(self.iris["code"], self.iris["name"], self.iris["commune_name"])}

    def shapes(self, level: str) -> dict:
        """The FeatureCollection of `commune` or `iris`."""
        return self.commune_shapes if level == "commune" else self.iris_shapes


def load_geography(territory: Territory) -> Geography:
    """The territory's communes and IRIS (read once per file content)."""
    communes, commune_shapes = _layer(territory.communes, "communes")
    table = _commune_table(communes)
    if territory.iris is None:
        return Geography(table, pd.DataFrame(columns=list(IRIS_COLUMNS)), commune_shapes, None)
    iris, iris_shapes = _layer(territory.iris, "IRIS")
    names = dict(zip(table["code"], table["name"]))
    return Geography(table, _iris_table(iris, names), commune_shapes, iris_shapes)


def _layer(layer: GeoLayer, what: str) -> tuple[pd.DataFrame, dict]:
    """Properties of every feature (as text, renamed to the standard keys), centroids and the
    normalised FeatureCollection."""
    document = _read_geojson(layer.file, layer.file.stat().st_mtime_ns if layer.file.exists() else 0)
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise _geo_error(layer.file, f"aucun contour de {what} (une FeatureCollection GeoJSON est attendue)")
    renames = {"code": layer.id_property, "name": layer.name_property, "commune": layer.commune_property,
               "population": layer.population_property, "kind": layer.type_property}
    rows, shaped = [], []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        row = {}
        for key, source in renames.items():
            if source is None:
                continue
            if source not in properties:
                raise _geo_error(layer.file, f"contour n° {number} sans propriété « {source} »",
                                 f"Vérifiez le nom de la propriété dans observatoire.yaml ({what}).")
            row[key] = properties[source]
        try:
            row["lon"], row["lat"] = centroid(feature["geometry"])
        except (KeyError, TypeError, ValueError, IndexError):
            raise _geo_error(layer.file, f"contour n° {number} ({row.get('code')}) : géométrie illisible "
                                         "(Polygon ou MultiPolygon en longitude/latitude attendu)") from None
        rows.append(row)
        shaped.append({"type": "Feature", "geometry": feature["geometry"],
                       "properties": {k: str(row[k]) for k in ("code", "name", "commune") if k in row}})
    table = pd.DataFrame(rows)
    for column in ("code", "name", "commune", "kind"):
        if column in table:
            table[column] = table[column].astype(str).str.strip()
    _refuse_duplicate_codes(table["code"], layer)
    return table, {"type": "FeatureCollection", "features": shaped}


def _refuse_duplicate_codes(codes: pd.Series, layer: GeoLayer) -> None:
    """A code carried by two contours would make every figure of that area ambiguous: refuse the file."""
    repeated = codes[codes.duplicated(keep=False)]
    if repeated.empty:
        return
    numbers = {code: [str(i + 1) for i in positions] for code, positions in repeated.groupby(repeated).groups.items()}
    shown = " ; ".join(f"« {code} » (contours n° {', '.join(rows)})" for code, rows in list(numbers.items())[:5])
    more = f" et {len(numbers) - 5} autre(s)" if len(numbers) > 5 else ""
    raise _geo_error(layer.file, f"{len(numbers)} code(s) porté(s) chacun par plusieurs contours "
                                 f"(propriété « {layer.id_property} ») : {shown}{more}",
                     "Fusionnez les morceaux d'une même zone en un seul MultiPolygon (par exemple avec QGIS, "
                     "« Regrouper », ou mapshaper -dissolve sur cette propriété), ou corrigez le code en double ; "
                     "« observatoire check » liste chaque contour concerné.")


def _commune_table(frame: pd.DataFrame) -> pd.DataFrame:
    if "population" not in frame:
        frame = frame.assign(population=np.nan)
    frame["population"] = pd.to_numeric(frame["population"], errors="coerce")
    return frame.reindex(columns=list(COMMUNE_COLUMNS)).sort_values("code", ignore_index=True)


def _iris_table(frame: pd.DataFrame, commune_names: dict[str, str]) -> pd.DataFrame:
    frame = frame.assign(commune_name=frame["commune"].map(commune_names).fillna(""))
    if "kind" not in frame:
        frame = frame.assign(kind="")
    return frame.reindex(columns=list(IRIS_COLUMNS)).sort_values("code", ignore_index=True)


def _geo_error(path: Path, problem: str, hint: str = "") -> UserError:
    return UserError(f"Contours {path} : {problem}.",
                     hint or "Vérifiez le fichier (GeoJSON en longitude/latitude, une entité par territoire).")


@lru_cache(maxsize=8)
def _read_geojson(path: Path, mtime: int) -> dict:
    """Parsed once per file version (`mtime` is part of the cache key)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _geo_error(path, "fichier introuvable", "Vérifiez le chemin dans observatoire.yaml.") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise _geo_error(path, f"GeoJSON illisible ({str(err)[:80]})") from None


def centroid(geometry: dict) -> tuple[float, float]:
    """Centroid of the largest polygon (planar, in degrees: good enough for labels and distances
    within a territory)."""
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

"""Contour files (GeoJSON) as their producers publish them: read tolerantly, with the properties
that carry codes and names found by name (IGN Admin Express, IGN/Insee Contours IRIS, the
example's own) or by the shape of their values, geometries checked, and point-in-polygon tests.

`observatoire.geo` reads a checked territory's contours for the app; this module serves the
tools that make and check a territory (`territory new`, `check`), which must report every
problem rather than stop at the first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from observatoire.errors import UserError

COMMUNE_CODE = re.compile(r"\d[\dAB]\d{3}")  # Insee commune code (2A/2B: Corsica)
IRIS_CODE = re.compile(r"\d[\dAB]\d{7}")  # commune code + 4 digits
IRIS_TYPES = ("H", "A", "D", "Z")

# Candidate property names, in order of preference (compared without case).
COMMUNE_ID = ("INSEE_COM", "code_insee", "code_commune", "insee", "codgeo", "code", "com")
COMMUNE_NAME = ("NOM", "NOM_COM", "nom_commune", "nom", "libelle", "name", "NOM_M")
COMMUNE_POPULATION = ("POPULATION", "population_legale", "population", "PMUN", "pop")
IRIS_ID = ("CODE_IRIS", "code_iris", "iris_code", "iris", "code")
IRIS_NAME = ("NOM_IRIS", "nom_iris", "libelle_iris", "nom", "name")
IRIS_COMMUNE = ("INSEE_COM", "code_insee", "code_commune", "insee_com", "depcom", "codgeo", "com")
IRIS_TYPE = ("TYP_IRIS", "typ_iris", "type_iris")
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Collection:
    """The features of a contour file (raw, as read) and the file they come from."""

    path: Path
    features: list[dict]

    def properties(self) -> list[dict]:
        return [feature.get("properties") or {} for feature in self.features]

    def names(self) -> list[str]:
        """Property names present in every feature, in the first feature's order."""
        rows = self.properties()
        return [name for name in rows[0] if all(name in row for row in rows)] if rows else []


def read_collection(path: Path | str) -> Collection:
    """The features of a GeoJSON FeatureCollection; French `UserError` when the file cannot be
    used at all (another format, unreadable JSON, no features)."""
    path = Path(path)
    if path.suffix.lower() in (".shp", ".gpkg", ".zip", ".7z"):
        raise UserError(
            f"{path} : les contours doivent être au format GeoJSON en longitude/latitude (WGS84).",
            f"Convertissez le fichier, par exemple : ogr2ogr -f GeoJSON -t_srs EPSG:4326 {path.stem}.geojson {path.name}",
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"Fichier de contours introuvable : {path}.", "Vérifiez le chemin du fichier.") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise UserError(f"{path} : GeoJSON illisible ({str(err)[:80]}).",
                        "Exportez à nouveau les contours au format GeoJSON (UTF-8).") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise UserError(f"{path} : ce n'est pas une FeatureCollection GeoJSON.",
                        "Le fichier doit commencer par {\"type\": \"FeatureCollection\", \"features\": [...]}.")
    if not features or not all(isinstance(f, dict) for f in features):
        raise UserError(f"{path} : aucun contour dans le fichier (liste « features » vide ou mal formée).",
                        "Exportez à nouveau les contours, une entité par commune ou par IRIS.")
    return Collection(path, features)


def write_collection(path: Path, features: Iterable[dict]) -> None:
    """A compact UTF-8 GeoJSON FeatureCollection."""
    document = {"type": "FeatureCollection", "features": list(features)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


# --- which property holds what ------------------------------------------------------------------


def detect(collection: Collection, candidates: Sequence[str], accept, what: str, given: str | None = None,
           option: str = "") -> str:
    """The property holding `what`: `given` when the user named it (checked), else the first of
    `candidates` present in every feature whose values all pass `accept`."""
    names = collection.names()
    if given is not None:
        if given not in names:
            raise UserError(f"{collection.path} : la propriété « {given} » ({what}) manque dans au moins un contour.",
                            f"Propriétés présentes dans tous les contours : {_listing(collection)}.")
        return given
    found = find_property(collection, candidates, accept)
    if found is None:
        raise UserError(f"{collection.path} : impossible de reconnaître la propriété qui porte {what}.",
                        f"Indiquez-la avec {option} PROPRIÉTÉ ; propriétés présentes : {_listing(collection)}.")
    return found


def find_property(collection: Collection, candidates: Sequence[str], accept) -> str | None:
    """The first candidate (compared without case) whose values pass `accept` in every feature."""
    by_lower = {name.lower(): name for name in collection.names()}
    rows = collection.properties()
    for candidate in candidates:
        name = by_lower.get(candidate.lower())
        if name is not None and all(accept(row[name]) for row in rows):
            return name
    return None


def is_commune_code(value: Any) -> bool:
    return isinstance(value, (str, int)) and COMMUNE_CODE.fullmatch(str(value).strip()) is not None


def is_iris_code(value: Any) -> bool:
    return isinstance(value, (str, int)) and IRIS_CODE.fullmatch(str(value).strip()) is not None


def is_name(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def is_count(value: Any) -> bool:
    return as_count(value) is not None


def is_iris_type(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in IRIS_TYPES


def as_count(value: Any) -> int | None:
    """A non-negative whole number given as a number or a text of digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and np.isfinite(value) and value >= 0 and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _listing(collection: Collection) -> str:
    first = collection.properties()[0]
    shown = [f"{name} (ex. « {str(first[name])[:30]} »)" for name in collection.names()[:12]]
    return ", ".join(shown) or "aucune"


# --- geometry -----------------------------------------------------------------------------------


def geometry_problems(geometry: Any) -> list[str]:
    """What is wrong with a feature's geometry, in French (empty when it is a valid Polygon or
    MultiPolygon of closed rings in longitude/latitude)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else geometry
        return [f"géométrie de type « {kind} » : Polygon ou MultiPolygon attendu"]
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not polygons:
        return ["coordonnées absentes ou mal formées"]
    problems = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return ["polygone sans anneau"]
        for ring in polygon:
            problems += _ring_problems(ring)
    return list(dict.fromkeys(problems))


def _ring_problems(ring: Any) -> list[str]:
    try:
        points = np.asarray(ring, dtype=float)
    except (TypeError, ValueError):
        return ["coordonnées illisibles (des paires [longitude, latitude] de nombres sont attendues)"]
    if points.ndim != 2 or points.shape[1] < 2 or not np.isfinite(points[:, :2]).all():
        return ["coordonnées illisibles (des paires [longitude, latitude] de nombres sont attendues)"]
    problems = []
    if len(points) < 4:
        problems.append("anneau de moins de 4 points")
    elif not np.array_equal(points[0, :2], points[-1, :2]):
        problems.append("anneau non fermé (le dernier point doit répéter le premier)")
    lon, lat = points[:, 0], points[:, 1]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        projected = " — les coordonnées semblent projetées (Lambert-93 ?)" if np.abs(points[:, :2]).max() > 1000 else ""
        problems.append(f"coordonnées hors des plages longitude [-180 ; 180] et latitude [-90 ; 90]{projected}")
    return problems


def polygons_of(geometry: dict) -> list[list[np.ndarray]]:
    """Each polygon as its list of rings (exterior first), as arrays of (lon, lat)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [[np.asarray(ring, dtype=float)[:, :2] for ring in polygon] for polygon in polygons]


def contains(polygons: list[list[np.ndarray]], point: tuple[float, float]) -> bool:
    """Whether `point` lies inside the (multi)polygon: inside an exterior ring and outside its
    holes (even-odd ray casting, planar in degrees: fine at the scale of a commune)."""
    return any(_in_ring(rings[0], point) and not any(_in_ring(hole, point) for hole in rings[1:])
               for rings in polygons)


def _in_ring(ring: np.ndarray, point: tuple[float, float]) -> bool:
    x, y = point
    x0, y0 = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    straddles = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(straddles & (x < crossing)) % 2)

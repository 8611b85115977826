"""Existing support: the territory's places of digital mediation, checked and placed on the map.

The file follows the national standard « schéma de données des lieux de médiation numérique »
(Table Schema v1.0.1, LaMednum/standard-mediation-num, copied in `schemas/` with its source and
licence). `load_support` checks it against that schema — columns, required values, unique `id`,
patterns (lists of values separated by « | »), lengths, numbers, dates — and adds what the
schema alone cannot see: a file not in UTF-8 (the standard asks for it; the file is still read
as Windows-1252), a place without coordinates, coordinates outside the territory, and latitude
and longitude swapped (the point falls in the territory once swapped). Every problem is a
French `Finding` naming the row (as a spreadsheet numbers it) and the column; the user's file
is never modified, and only places with valid coordinates inside the territory are drawn and
used for distances.

`nearest_distances` gives, for each area centroid, the great-circle distance in metres to the
nearest place (haversine, mean Earth radius 6,371 km).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from observatoire.errors import UserError
from observatoire.geo import Geography
from observatoire.readers import read_table
from observatoire.territory import Territory
from observatoire.validation.findings import Finding

SCHEMA_PATH = Path(__file__).parent / "schemas" / "lieux-mediation-numerique-1.0.1.json"
SCHEMA_NAME = "schéma des lieux de médiation numérique v1.0.1"
EARTH_RADIUS_M = 6_371_000.0
UTF8 = ("utf-8", "utf-8-sig")
PLACE_COLUMNS = ("row", "id", "nom", "commune", "latitude", "longitude", "typologie", "dispositif_programmes_nationaux")
# A list field of the standard: its pattern is (?:(?:^|\|)(value|value|...))+$
_LIST_PATTERN = re.compile(r"^\(\?:\(\?:\^\|\\\|\)\((?P<values>.*)\)\)\+\$$")


@dataclass(frozen=True)
class SupportPlaces:
    """The places that can be drawn (`PLACE_COLUMNS`) and every finding on the file."""

    file: str
    places: pd.DataFrame
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    rows: int = 0

    @property
    def empty(self) -> bool:
        return self.places.empty


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def list_values(pattern: str) -> list[str] | None:
    """The allowed values of a list field (`A|B` patterns of the standard), else None."""
    match = _LIST_PATTERN.match(pattern)
    return [re.sub(r"\\(.)", r"\1", v) for v in match["values"].split("|")] if match else None


def _finding(code: str, file: str, row: int | None, column: str | None, value: str | None, message: str,
             hint: str) -> Finding:
    return Finding(code, file, row, column, value, message, hint)


def territory_support(territory: Territory, geography: Geography) -> SupportPlaces | None:
    """The territory's places file (`support.file`), checked; None when it declares none. A file
    that cannot be read gives no place and one finding saying why (the rest of the run goes on)."""
    if territory.support is None:
        return None
    try:
        return load_support(territory.support, geography)
    except UserError as error:
        finding = _finding("unreadable", territory.support.name, None, None, None, error.message, error.hint)
        return SupportPlaces(territory.support.name, _no_places(), (finding,))


def _no_places() -> pd.DataFrame:
    return pd.DataFrame(columns=list(PLACE_COLUMNS))


def load_support(path: Path, geography: Geography, content: bytes | None = None) -> SupportPlaces:
    """Read and check a places file (CSV in the standard; XLSX accepted); `UserError` when it
    cannot be read at all."""
    table = read_table(path, content=content)
    name = Path(path).name
    frame = table.frame
    findings: list[Finding] = []
    if table.source.format == "csv" and table.source.encoding not in UTF8:
        findings.append(_finding(
            "not_utf8", name, None, None, table.source.encoding,
            "Le fichier n'est pas encodé en UTF-8, comme le demande le standard : il a été lu en Windows-1252.",
            "Enregistrez-le au format « CSV UTF-8 » depuis votre tableur, puis vérifiez les accents des noms."))
    fields = {f["name"]: f for f in schema()["fields"]}
    findings += _column_findings(name, list(frame.columns), fields)
    for column in frame.columns:
        if column in fields:
            findings += _value_findings(name, frame[column], fields[column])
    absent = [c for c in ("latitude", "longitude") if c not in frame.columns]
    if absent:
        findings += [_finding("missing_column", name, None, column, None,
                              f"La colonne « {column} » est absente : aucun lieu ne peut être placé sur la carte.",
                              "Ajoutez les colonnes latitude et longitude (degrés décimaux WGS84, point décimal).")
                     for column in absent]
        return SupportPlaces(name, _no_places(), tuple(sorted(findings, key=_order)), len(frame))
    places, place_findings = _placed(name, frame, geography)
    findings += place_findings
    return SupportPlaces(name, places, tuple(sorted(findings, key=_order)), len(frame))


def _order(finding: Finding) -> tuple:
    return (finding.row or 0, finding.column or "")


def _column_findings(name: str, columns: list[str], fields: dict) -> list[Finding]:
    found = [
        _finding("missing_column", name, None, column, None,
                 f"La colonne obligatoire « {column} » ({fields[column].get('title', column)}) est absente.",
                 "Ajoutez-la avec ce nom exact dans la ligne d'en-tête (liste des colonnes : " + SCHEMA_NAME + ").")
        for column, spec in fields.items() if spec.get("constraints", {}).get("required") and column not in columns
    ]
    found += [
        _finding("unknown_column", name, None, column, None,
                 f"La colonne « {column} » ne fait pas partie du standard : elle est ignorée.",
                 "Renommez-la avec un nom du standard, ou supprimez-la.")
        for column in columns if column not in fields
    ]
    return found


def _value_findings(name: str, values: pd.Series, spec: dict) -> list[Finding]:
    column, constraints = spec["name"], spec.get("constraints", {})
    title = spec.get("title", column)
    found = []
    filled = values[values != ""]
    if constraints.get("required"):
        found += [_finding("required_missing", name, int(row), column, None, f"« {title} » est obligatoire et vide.",
                           f"Renseignez cette valeur (exemple : {spec.get('example', '…')}).")
                  for row in values.index[values == ""]]
    if constraints.get("unique"):
        duplicated = filled[filled.duplicated(keep="first")]
        first = {value: row for row, value in filled[~filled.duplicated(keep="first")].items()}
        found += [_finding("duplicate_id", name, int(row), column, value,
                           f"L'identifiant « {value} » est déjà utilisé ligne {first[value]}.",
                           "Chaque lieu doit avoir un identifiant unique : corrigez ou supprimez la ligne en double.")
                  for row, value in duplicated.items()]
    if spec.get("type") == "number":
        bad = pd.to_numeric(filled, errors="coerce").isna()
        found += [_finding("not_number", name, int(row), column, value, f"« {value} » n'est pas un nombre.",
                           "Écrivez un nombre en degrés décimaux avec un point (exemple : "
                           f"{spec.get('example', '44.84')}).") for row, value in filled[bad].items()]
    if spec.get("type") == "date":
        bad = ~filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}") | pd.to_datetime(filled, format="%Y-%m-%d", errors="coerce").isna()
        found += [_finding("not_date", name, int(row), column, value, f"« {value} » n'est pas une date AAAA-MM-JJ.",
                           f"Écrivez la date au format AAAA-MM-JJ (exemple : {spec.get('example', '2024-04-02')}).")
                  for row, value in filled[bad].items()]
    if "pattern" in constraints:
        pattern = re.compile(constraints["pattern"])
        allowed = list_values(constraints["pattern"])
        hint = (f"Valeurs permises, plusieurs séparées par « | » : {' ; '.join(allowed)}." if allowed
                else f"Exemple conforme : {spec.get('example', '…')}.")
        found += [_finding("pattern_mismatch", name, int(row), column, value,
                           f"« {value} » n'est pas une valeur permise de « {title} ».", hint)
                  for row, value in filled.items() if not pattern.search(value)]
    if "maxLength" in constraints:
        limit = constraints["maxLength"]
        found += [_finding("too_long", name, int(row), column, value[:40] + "…",
                           f"« {title} » compte {len(value)} caractères, plus que les {limit} permis.",
                           f"Raccourcissez ce texte à {limit} caractères (le détail va dans presentation_detail).")
                  for row, value in filled.items() if len(value) > limit]
    return found


def _placed(name: str, frame: pd.DataFrame, geography: Geography) -> tuple[pd.DataFrame, list[Finding]]:
    """Places with coordinates inside the territory; findings for the others."""
    lat = pd.to_numeric(frame["latitude"].str.replace(",", ".", regex=False), errors="coerce").to_numpy()
    lon = pd.to_numeric(frame["longitude"].str.replace(",", ".", regex=False), errors="coerce").to_numpy()
    rows = frame.index.to_numpy()
    known = np.isfinite(lat) & np.isfinite(lon)
    inside = np.zeros(len(frame), dtype=bool)
    inside[known] = in_territory(lon[known], lat[known], geography)
    swapped = np.zeros(len(frame), dtype=bool)
    outside = known & ~inside
    swapped[outside] = in_territory(lat[outside], lon[outside], geography)
    names = frame["nom"] if "nom" in frame.columns else pd.Series("", index=frame.index)
    findings = []
    for i in np.flatnonzero(~known):
        empty = frame["latitude"].iloc[i] == "" and frame["longitude"].iloc[i] == ""
        if empty:  # unreadable numbers already have their not_number finding
            findings.append(_finding("no_coordinates", name, int(rows[i]), "latitude", None,
                                     f"Le lieu « {names.iloc[i]} » n'a pas de coordonnées : il n'est pas placé sur la carte.",
                                     "Renseignez latitude et longitude en degrés décimaux (WGS84), par exemple depuis "
                                     "la Base adresse nationale."))
    for i in np.flatnonzero(swapped):
        findings.append(_finding("swapped_coordinates", name, int(rows[i]), "latitude", frame["latitude"].iloc[i],
                                 f"Latitude {frame['latitude'].iloc[i]} et longitude {frame['longitude'].iloc[i]} "
                                 "semblent inversées : inversées, elles tombent dans le territoire. Le lieu n'est pas placé.",
                                 "Échangez les valeurs des colonnes latitude et longitude de cette ligne."))
    for i in np.flatnonzero(outside & ~swapped):
        findings.append(_finding("outside_territory", name, int(rows[i]), "latitude", frame["latitude"].iloc[i],
                                 f"Les coordonnées ({frame['latitude'].iloc[i]} ; {frame['longitude'].iloc[i]}) "
                                 "tombent hors du territoire : le lieu n'est pas placé.",
                                 "Vérifiez la latitude et la longitude (degrés décimaux WGS84) ou retirez ce lieu du fichier."))
    places = pd.DataFrame({"row": rows[inside].astype(int)})
    for column in PLACE_COLUMNS[1:]:
        places[column] = frame[column].to_numpy()[inside] if column in frame.columns else ""
    places["latitude"], places["longitude"] = lat[inside], lon[inside]
    return places[list(PLACE_COLUMNS)].reset_index(drop=True), findings


def _territory_edges(geography: Geography) -> tuple[np.ndarray, ...]:
    rings = []
    for feature in geography.commune_shapes["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings += [np.asarray(ring, dtype=float) for polygon in polygons for ring in polygon]
    start = np.concatenate([ring[:-1] for ring in rings])
    end = np.concatenate([ring[1:] for ring in rings])
    return start[:, 0], start[:, 1], end[:, 0], end[:, 1]


def in_territory(lon, lat, geography: Geography, chunk: int = 256) -> np.ndarray:
    """Whether each point lies inside the union of the communes (even-odd rule over every ring of
    every commune: shared borders count twice and cancel, holes stay out)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if lon.size == 0:
        return np.zeros(0, dtype=bool)
    x1, y1, x2, y2 = _territory_edges(geography)
    inside = np.zeros(lon.size, dtype=bool)
    for begin in range(0, lon.size, chunk):  # bounded memory: chunk x edges
        px, py = lon[begin:begin + chunk, None], lat[begin:begin + chunk, None]
        crosses = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        inside[begin:begin + chunk] = ((crosses & (px < x_at)).sum(axis=1) % 2) == 1
    return inside


def nearest_distances(lon, lat, places: pd.DataFrame) -> np.ndarray:
    """Metres from each point to the nearest place (NaN when there is no place)."""
    lon, lat = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    if places.empty:
        return np.full(lon.size, np.nan)
    plon, plat = np.radians(places["longitude"].to_numpy(dtype=float)), np.radians(places["latitude"].to_numpy(dtype=float))
    a = (np.sin((plat[None, :] - lat[:, None]) / 2) ** 2
         + np.cos(lat[:, None]) * np.cos(plat[None, :]) * np.sin((plon[None, :] - lon[:, None]) / 2) ** 2)
    return (2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))).min(axis=1)


def share_beyond(areas: pd.DataFrame, distance_m: float) -> float:
    """Share of the estimated people in difficulty (`count`) living in areas whose centroid is
    farther than `distance_m` from the nearest place (areas with a distance only)."""
    known = areas.dropna(subset=["support_distance_m"])
    total = known["count"].sum()
    return float(known.loc[known["support_distance_m"] > distance_m, "count"].sum() / total) if total > 0 else float("nan")

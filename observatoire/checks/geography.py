"""Part `geo` of a check: the contour files as given (every feature, every problem), then the
IRIS against their communes — commune property known, code prefix, and the IRIS's centre inside
its commune's polygon (ray casting)."""

from __future__ import annotations

from collections import defaultdict

from observatoire import contours
from observatoire.checks.context import Context, Part, plural
from observatoire.checks.findings import Finding, from_message, make
from observatoire.errors import UserError
from observatoire.geo import centroid, load_geography
from observatoire.territory import GeoLayer


def check_geography(ctx: Context) -> tuple[Part, bool]:
    """The part, and whether the commune contours are unusable (nothing else can be checked).
    Sets `ctx.geography` when the territory's geography loads."""
    territory = ctx.territory
    findings: list[Finding] = []
    communes = _layer(ctx, territory.communes, "communes", findings)
    if communes is None:
        return Part("geo", "contours des communes inutilisables", tuple(findings)), True
    iris = _layer(ctx, territory.iris, "iris", findings) if territory.iris is not None else None
    if iris is not None:
        findings += _iris_in_communes(ctx, territory.iris, communes, iris)
    try:
        geography = load_geography(territory)
    except UserError as err:
        geography = None
        if not findings:  # otherwise the findings above already say why
            findings.append(from_message("geo", "geo_unreadable", ctx.shown(territory.communes.file), err.message, err.hint))
    if not any(f.code == "geo_duplicate_code" for f in findings):  # ambiguous codes: nothing can be matched
        ctx.geography = geography
    summary = plural(len(communes), "commune") + (f", {plural(len(iris), 'IRIS', 'IRIS')}" if iris is not None else
                                                  ", sans IRIS (facultatif)")
    if ctx.geography is not None and ctx.geography.has_iris:
        without = sorted(set(ctx.geography.communes["code"]) - set(ctx.geography.iris["commune"]))
        if without:
            summary += f" ; {plural(len(without), 'commune')} sans IRIS"
    return Part("geo", summary, tuple(findings)), False


def _layer(ctx: Context, layer: GeoLayer, level: str, findings: list[Finding]) -> dict[str, tuple[int, dict]] | None:
    """Code -> (feature number, feature) of a contour file; every problem appended to `findings`;
    None when the file cannot be read at all."""
    file = ctx.shown(layer.file)
    try:
        collection = contours.read_collection(layer.file)
    except UserError as err:
        findings.append(from_message("geo", "geo_unreadable", file, err.message, err.hint))
        return None
    prefix = f"geo.{level}"
    checks = [(layer.id_property, f"{prefix}.id_property", "code"), (layer.name_property, f"{prefix}.name_property", "nom")]
    if layer.commune_property:
        checks.append((layer.commune_property, f"{prefix}.commune_property", "code de la commune"))
    valid_code = contours.is_iris_code if level == "iris" else contours.is_commune_code
    expected = "un code IRIS à 9 caractères" if level == "iris" else "un code commune Insee à 5 caractères"
    by_code: dict[str, tuple[int, dict]] = {}
    rows_of: dict[str, list[int]] = defaultdict(list)
    for number, feature in enumerate(collection.features, start=1):
        properties = feature.get("properties") or {}
        code = str(properties.get(layer.id_property, "")).strip()
        label = f"« {code} »" if code else f"n° {number}"
        for problem in contours.geometry_problems(feature.get("geometry")):
            findings.append(make("geo", "geo_geometry", file, row=number, label=label, problem=problem))
        for prop, key, what in checks:
            if str(properties.get(prop, "")).strip() in ("", "None"):
                findings.append(make("geo", "geo_property_missing", file, row=number, column=prop, key=key,
                                     label=label, what=what))
        if code and not valid_code(code):
            findings.append(make("geo", "geo_code_format", file, row=number, column=layer.id_property,
                                 key=f"{prefix}.id_property", value=code, label=label, expected=expected))
        findings += _optional_properties(layer, properties, file, number, label)
        if code:
            rows_of[code].append(number)
            by_code.setdefault(code, (number, feature))
    for code, rows in rows_of.items():
        if len(rows) > 1:
            findings.append(make("geo", "geo_duplicate_code", file, row=rows[1], column=layer.id_property, value=code,
                                 rows=", ".join(map(str, rows))))
    return by_code


def _optional_properties(layer: GeoLayer, properties: dict, file: str, number: int, label: str) -> list[Finding]:
    found = []
    if layer.population_property and contours.as_count(properties.get(layer.population_property)) is None:
        found.append(make("geo", "geo_population", file, row=number, column=layer.population_property,
                          value=properties.get(layer.population_property), label=label))
    kind = properties.get(layer.type_property) if layer.type_property else None
    if layer.type_property and not contours.is_iris_type(kind):
        found.append(make("geo", "geo_iris_type", file, row=number, column=layer.type_property, value=kind, label=label))
    return found


def _iris_in_communes(ctx: Context, iris_layer: GeoLayer, communes: dict, iris: dict) -> list[Finding]:
    file = ctx.shown(iris_layer.file)
    shapes = {code: _polygons(feature) for code, (_, feature) in communes.items()}
    found = []
    for code, (number, feature) in iris.items():
        commune = str((feature.get("properties") or {}).get(iris_layer.commune_property, "")).strip()
        label = f"« {code} »"
        if not commune:
            continue  # reported as a missing property
        if commune not in communes:
            found.append(make("geo", "geo_iris_commune", file, row=number, column=iris_layer.commune_property,
                              value=commune, label=label))
            continue
        if not code.startswith(commune):
            found.append(make("geo", "geo_iris_prefix", file, row=number, column=iris_layer.id_property, value=code,
                              label=label, commune=commune))
        inside = _polygons(feature)
        if inside is not None and shapes[commune] is not None:
            point = centroid(feature["geometry"])
            if not contours.contains(shapes[commune], point):
                found.append(make("geo", "geo_iris_outside", file, row=number, value=code, label=label,
                                  commune=commune, lon=f"{point[0]:.5f}", lat=f"{point[1]:.5f}"))
    return found


def _polygons(feature: dict):
    """The feature's rings when its geometry is valid, else None (reported elsewhere)."""
    geometry = feature.get("geometry")
    return contours.polygons_of(geometry) if not contours.geometry_problems(geometry) else None

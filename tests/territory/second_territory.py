"""A second territory that is not the example: five invented communes of another département
(one without IRIS), fourteen IRIS, square contours; made with `observatoire territory new`, filled
with `observatoire demo`. Tests import it as `second_territory`."""

from __future__ import annotations

import json
from pathlib import Path

from observatoire.cli import main

NAME = "Communauté de communes du Val d'Arlenc"
SHORT_NAME = "la communauté de communes"
CODE = "200071905"
CONTACT = "observatoire@val-arlenc.example"
N = 400  # respondents per wave
# code, name, population, IRIS (number, type) — the last commune has no IRIS
COMMUNES = (
    ("71901", "Valmont", 41_800, (("0101", "H"), ("0102", "H"), ("0103", "H"), ("0104", "H"), ("0105", "A"))),
    ("71902", "Brières-sur-Arlenc", 12_350, (("0101", "H"), ("0102", "H"), ("0103", "H"))),
    ("71903", "Saint-Ours-l'Étang", 8_020, (("0101", "H"), ("0102", "H"), ("0103", "H"))),
    ("71904", "Les Aubiers", 6_140, (("0101", "H"), ("0102", "H"), ("0103", "D"))),
    ("71905", "Chaumel", 2_480, ()),
)
SIDE = 0.06  # degrees


def square(x: float, y: float, width: float, height: float) -> dict:
    ring = [[x, y], [x + width, y], [x + width, y + height], [x, y + height], [x, y]]
    return {"type": "Polygon", "coordinates": [[[round(a, 5), round(b, 5)] for a, b in ring]]}


def contour_files(folder: Path) -> tuple[Path, Path]:
    """Communes and IRIS contours as IGN publishes them (Admin Express and Contours IRIS names)."""
    communes, iris = [], []
    for position, (code, name, population, areas) in enumerate(COMMUNES):
        x, y = 4.80 + SIDE * (position % 3), 46.60 + SIDE * (position // 3)
        communes.append({"type": "Feature", "geometry": square(x, y, SIDE, SIDE),
                         "properties": {"ID": f"COMMUNE_{position}", "NOM": name, "INSEE_COM": code,
                                        "INSEE_DEP": "71", "POPULATION": population}})
        for k, (number, kind) in enumerate(areas):
            width = SIDE / len(areas)
            iris.append({"type": "Feature", "geometry": square(x + k * width, y, width, SIDE),
                         "properties": {"INSEE_COM": code, "NOM_COM": name, "IRIS": number,
                                        "CODE_IRIS": code + number, "NOM_IRIS": f"{name} {k + 1}", "TYP_IRIS": kind}})
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "COMMUNE.geojson", folder / "CONTOURS-IRIS.geojson"
    for path, features in zip(paths, (communes, iris)):
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                        encoding="utf-8")
    return paths


def build(base: Path) -> Path:
    """Scaffold the territory from its contours, then fill it with demonstration data."""
    communes, iris = contour_files(base / "sources")
    root = base / "val-arlenc"
    assert main(["territory", "new", str(root), "--communes", str(communes), "--iris", str(iris), "--name", NAME,
                 "--code", CODE, "--short-name", SHORT_NAME, "--contact", CONTACT]) == 0
    assert main(["demo", "--territory", str(root), "--n", str(N)]) == 0
    return root

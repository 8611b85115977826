"""load_geography refuses contours whose codes repeat: every figure of that area would be
ambiguous. The French message names the file, the code, the contours and what to do."""

import json

import pytest

from observatoire.cli import main
from observatoire.errors import UserError
from observatoire.geo import load_geography
from observatoire.territory import load_territory
from second_territory import contour_files


@pytest.fixture
def root(tmp_path):
    communes, iris = contour_files(tmp_path / "sources")
    root = tmp_path / "t"
    assert main(["territory", "new", str(root), "--communes", str(communes), "--iris", str(iris),
                 "--name", "Val", "--code", "71"]) == 0
    return root


def repeat_code(path, source: int, target: int, prop: str) -> str:
    document = json.loads(path.read_text(encoding="utf-8"))
    code = document["features"][source]["properties"][prop]
    document["features"][target]["properties"][prop] = code
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return code


@pytest.mark.parametrize(("file", "prop"), [("communes.geojson", "INSEE_COM"), ("iris.geojson", "CODE_IRIS")])
def test_duplicate_codes_are_refused_in_french(root, file, prop):
    path = root / "geo" / file
    before = path.read_bytes()
    code = repeat_code(path, 0, 2, prop)
    changed = path.read_bytes()
    with pytest.raises(UserError) as caught:
        load_geography(load_territory(root))
    message, hint = caught.value.message, caught.value.hint
    assert str(path) in message and f"« {code} » (contours n° 1, 3)" in message
    assert f"propriété « {prop} »" in message
    assert "MultiPolygon" in hint and "observatoire check" in hint
    assert path.read_bytes() == changed != before  # the user's file is left as it is


def test_check_lists_the_duplicate_and_does_not_crash(root, capsys):
    repeat_code(root / "geo" / "iris.geojson", 0, 1, "CODE_IRIS")
    assert main(["check", "--territory", str(root), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert any(f["code"] == "geo_duplicate_code" for f in report["findings"])


def test_distinct_codes_load(root):
    geography = load_geography(load_territory(root))
    assert geography.communes["code"].is_unique and geography.iris["code"].is_unique

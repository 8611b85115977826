"""Places of digital mediation: checked against the national standard, plus what the schema alone
misses (swapped or outside coordinates, missing ones, a file not in UTF-8); distances."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from example_territory import EXAMPLE
from observatoire.areas.support import (
    SCHEMA_PATH,
    in_territory,
    list_values,
    load_support,
    nearest_distances,
    share_beyond,
    territory_support,
)

FIXTURE = Path(__file__).parent / "data" / "lieux_mediation_fixture.csv"


@pytest.fixture(scope="module")
def checked(geography):
    return load_support(FIXTURE, geography)


def _codes(support) -> list[tuple[str, int | None, str | None]]:
    return [(f.code, f.row, f.column) for f in support.findings]


def test_copied_schema_is_the_standard_v1_0_1():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["version"] == "v1.0.1" and schema["name"] == "standard-mediation-num"
    assert schema["licenses"][0]["name"] == "etalab-2.0"
    names = [f["name"] for f in schema["fields"]]
    assert names[:3] == ["id", "pivot", "nom"] and {"latitude", "longitude", "date_maj", "services"} <= set(names)
    assert "Aide aux démarches administratives" in list_values(
        next(f for f in schema["fields"] if f["name"] == "services")["constraints"]["pattern"])


def test_fixture_findings_name_row_and_column(checked):
    found = _codes(checked)
    assert ("swapped_coordinates", 4, "latitude") in found
    assert ("outside_territory", 5, "latitude") in found
    assert ("no_coordinates", 6, "latitude") in found
    assert ("duplicate_id", 7, "id") in found
    assert ("pattern_mismatch", 7, "code_postal") in found
    assert ("pattern_mismatch", 7, "services") in found
    assert ("not_date", 7, "date_maj") in found
    assert not [f for f in checked.findings if f.row in (2, 3)]  # the valid rows
    services = next(f for f in checked.findings if f.column == "services")
    assert "Cours de cuisine" in services.message and "Aide aux démarches administratives" in services.hint
    swapped = next(f for f in checked.findings if f.code == "swapped_coordinates")
    assert "inversées" in swapped.message and "Échangez" in swapped.hint
    assert swapped.line_fr().startswith("Ligne 4, colonne latitude : ")


def test_only_places_inside_the_territory_are_drawn(checked):
    assert list(checked.places["row"]) == [2, 3, 7] and checked.rows == 6
    assert checked.places["latitude"].between(44, 45.5).all() and checked.places["longitude"].between(-1.5, 0).all()


def test_file_not_in_utf8_is_read_and_said(tmp_path, geography):
    latin = tmp_path / "lieux.csv"
    latin.write_bytes(FIXTURE.read_text(encoding="utf-8").encode("cp1252"))
    support = load_support(latin, geography)
    assert ("not_utf8", None, None) in _codes(support)
    assert "Bègles" in set(support.places["commune"])  # decoded, accents kept
    assert not [f for f in load_support(FIXTURE, geography).findings if f.code == "not_utf8"]


def test_file_is_never_modified(tmp_path, geography):
    copy = tmp_path / "lieux.csv"
    copy.write_bytes(FIXTURE.read_bytes())
    load_support(copy, geography)
    assert copy.read_bytes() == FIXTURE.read_bytes()


def test_file_without_coordinates_or_unreadable_gives_findings_not_errors(tmp_path, geography):
    no_columns = tmp_path / "sans_coordonnees.csv"
    no_columns.write_text("id,nom\na,Lieu\n", encoding="utf-8")
    support = load_support(no_columns, geography)
    assert support.empty and {"latitude", "longitude"} <= {f.column for f in support.findings}
    missing = EXAMPLE.__class__(**{**EXAMPLE.__dict__, "support": tmp_path / "absent.csv"})
    unreadable = territory_support(missing, geography)
    assert unreadable.empty and unreadable.findings[0].code == "unreadable"


def test_example_places_are_valid_and_labelled(geography):
    support = territory_support(EXAMPLE, geography)
    assert support is not None and not support.findings and len(support.places) == 36
    assert support.places["nom"].str.contains("démonstration").all()
    assert EXAMPLE.provenance["support"] == "demonstration"


def test_committed_demo_places_are_what_the_generator_writes(example, geography):
    from observatoire.demo.support import demo_csv

    assert example.support.read_bytes() == demo_csv(geography)


def test_point_in_territory_and_distances(geography):
    iris = geography.iris.iloc[:3]
    assert in_territory(iris["lon"], iris["lat"], geography).all()
    assert not in_territory([2.3522], [48.8566], geography)[0]
    places = pd.DataFrame({"longitude": [iris["lon"].iloc[0]], "latitude": [iris["lat"].iloc[0] + 0.01]})
    distances = nearest_distances(iris["lon"], iris["lat"], places)
    assert distances[0] == pytest.approx(1112, rel=0.01)  # 0.01 degree of latitude = 1.11 km
    assert np.isnan(nearest_distances(iris["lon"], iris["lat"], places.iloc[0:0])).all()


def test_share_of_people_in_difficulty_beyond_the_distance():
    areas = pd.DataFrame({"count": [100.0, 300.0, 50.0], "support_distance_m": [500.0, 1500.0, np.nan]})
    assert share_beyond(areas, 1000) == pytest.approx(0.75)
    assert share_beyond(areas, 2000) == 0


def test_pipeline_adds_the_distance_of_each_iris(demo_results):
    areas = demo_results.areas
    assert areas["support_distance_m"].notna().all() and (areas["support_distance_m"] >= 0).all()
    assert demo_results.support is not None and len(demo_results.support.places) == 36
    assert "lieux de médiation" in demo_results.demo_note

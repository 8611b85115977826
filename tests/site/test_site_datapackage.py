"""The open-data folder is a Frictionless data package that validates, with the territory's licence,
and LISEZMOI.txt says what was computed (generated, not fixed text)."""

from __future__ import annotations

import dataclasses
from datetime import date
import json
import shutil

import pandas as pd
import pytest
from frictionless import validate

from observatoire.formatting import fmt_number
from observatoire.site.opendata import ESTIMATE_FILE_COLUMNS, licence_of, open_files

BUILT = date(2026, 11, 23)


@pytest.fixture(scope="module")
def package(demo_site_dir):
    return json.loads((demo_site_dir / "donnees" / "datapackage.json").read_text(encoding="utf-8"))


def test_built_site_data_package_is_valid(demo_site_dir):
    report = validate(demo_site_dir / "donnees" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_data_package_describes_every_file_with_schema_licence_and_sources(demo_site_dir, package):
    files = {p.name for p in (demo_site_dir / "donnees").iterdir()} - {"datapackage.json"}
    assert {r["path"] for r in package["resources"]} == files
    estimates = next(r for r in package["resources"] if r["path"] == "estimations.csv")
    fields = {f["name"]: f for f in estimates["schema"]["fields"]}
    assert list(fields) == list(ESTIMATE_FILE_COLUMNS) and estimates["schema"]["missingValues"] == [""]
    assert fields["n_unweighted"]["type"] == "integer" and fields["estimate"]["unit"] == "part entre 0 et 1"
    assert all(f["description"] for f in fields.values())
    assert package["licenses"] == [{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0 (Etalab)",
                                    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}]
    sources = {s["title"].split(" (")[0]: s["provenance"] for s in package["sources"]}
    assert sources["Enquête"] == "demonstration" and sources["Contours des communes et des IRIS"] == "real"
    assert package["provenance"]["survey"] == "demonstration"


def test_validation_fails_when_a_file_breaks_its_schema(demo_site_dir, tmp_path):
    copy = tmp_path / "donnees"
    shutil.copytree(demo_site_dir / "donnees", copy)
    table = pd.read_csv(copy / "estimations.csv", dtype=str, keep_default_na=False)
    table.loc[0, "n_unweighted"] = "douze"
    table.to_csv(copy / "estimations.csv", index=False)
    assert not validate(copy / "datapackage.json").valid


def test_licence_comes_from_the_territory(hand_data):
    other = dataclasses.replace(hand_data, territory=dataclasses.replace(hand_data.territory, licence="ODbL"))
    files = {f.name: f.content.decode("utf-8") for f in open_files(other, BUILT)}
    package = json.loads(files["donnees/datapackage.json"])
    assert package["licenses"][0]["name"] == "ODbL-1.0"
    assert "Open Database License" in files["donnees/LISEZMOI.txt"] and "Licence Ouverte" not in files["donnees/LISEZMOI.txt"]
    assert json.loads(files["donnees/engagements.json"])["licence"] == licence_of("ODbL").title


def test_readme_counts_the_zero_shares_and_their_interval(demo_site_dir):
    readme = (demo_site_dir / "donnees" / "LISEZMOI.txt").read_text(encoding="utf-8")
    table = pd.read_csv(demo_site_dir / "donnees" / "estimations.csv", dtype={"domain": str})
    edge = table[(table["flag"] != "withheld") & table["estimate"].isin([0.0, 1.0])]
    assert len(edge) > 0 and edge[["ci_low", "ci_high"]].notna().all().all()
    assert set(edge["ci_method"]) == {"clopper_pearson_kish"}
    assert (f"{fmt_number(len(edge))} part(s) publiée(s) valent exactement 0 % ou 100 % : toutes ont reçu "
            "l'intervalle exact de Clopper-Pearson sur l'effectif efficace de Kish (méthode « clopper_pearson_kish »)") \
        in readme
    assert "ci_low et ci_high sont alors vides" not in readme

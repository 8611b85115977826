"""`observatoire territory new`: a territory directory from contour files, every key explained,
the example's survey description and catalogue, honest provenance, margin templates; --epci."""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from example_territory import EXAMPLE, ROOT
from observatoire.cli import main
from observatoire.referential import DEFAULT_DIR
from observatoire.territory import KEYS, load_territory
from second_territory import COMMUNES, contour_files


@pytest.fixture
def sources(tmp_path) -> tuple[Path, Path]:
    return contour_files(tmp_path / "sources")


def new(root: Path, *options: str) -> int:
    return main(["territory", "new", str(root), *options])


def test_scaffold_from_ign_files(tmp_path, sources, capsys):
    communes, iris = sources
    root = tmp_path / "t"
    assert new(root, "--communes", str(communes), "--iris", str(iris), "--name", "Val d'Arlenc", "--code", "200071905") == 0
    out = capsys.readouterr().out
    # Properties recognised by their IGN names (CODE_IRIS, not the 4-digit IRIS).
    assert "code : INSEE_COM, nom : NOM, population : POPULATION" in out
    assert "code : CODE_IRIS, nom : NOM_IRIS, commune : INSEE_COM, type : TYP_IRIS" in out
    assert "Communes sans IRIS (une seule zone, ses répondants sans code IRIS) : 71905 Chaumel" in out
    territory = load_territory(root)
    assert (territory.name, territory.code, territory.code_kind, territory.short_name) == \
        ("Val d'Arlenc", "200071905", "SIREN", "le territoire")
    assert (territory.communes.id_property, territory.iris.id_property) == ("INSEE_COM", "CODE_IRIS")
    # Copied: contours (all the territory's features), the example's survey description and catalogue.
    written = json.loads(territory.communes.file.read_text(encoding="utf-8"))
    assert [f["properties"]["INSEE_COM"] for f in written["features"]] == [c[0] for c in COMMUNES]
    for name in ("schema.yaml", "codebook.yaml", "design.yaml"):
        assert (territory.survey_description / name).read_bytes() == (EXAMPLE.survey_description / name).read_bytes()
    assert territory.catalog.read_bytes() == EXAMPLE.catalog.read_bytes()
    # Templates: every commune and every category, totals to fill; an empty values table.
    commune = pd.read_csv(territory.margins / "commune.csv", dtype=str)
    assert commune["commune"].tolist() == [c[0] for c in COMMUNES] and set(commune["total"]) == {"0"}
    assert len(pd.read_csv(territory.margins / "age_band_sex.csv")) == 10
    assert pd.read_csv(territory.margins / "diploma.csv")["diploma"].tolist() == \
        ["no_diploma", "cap_bep", "bac", "bac_2", "bac_3plus"]
    assert territory.values.read_text(encoding="utf-8").startswith("indicator,year,geo_level,geo_code")
    assert len(territory.values.read_text(encoding="utf-8").splitlines()) == 1
    assert territory.inventories.is_dir() and not any(territory.inventories.iterdir())
    # Honest provenance: the example's catalogue is demonstration, nothing else is (nothing else is filled).
    assert dict(territory.provenance) == {"geo": "real", "survey": "real", "margins": "real", "covariates": "real",
                                          "catalog": "demonstration", "values": "real", "inventories": "real"}


def test_every_key_is_written_and_explained(tmp_path, sources):
    communes, _ = sources
    assert new(tmp_path / "t", "--communes", str(communes), "--name", "Val", "--code", "71") == 0
    text = (tmp_path / "t" / "observatoire.yaml").read_text(encoding="utf-8")
    comments = " ".join(line.strip().lstrip("# ") for line in text.splitlines() if line.strip().startswith("#"))
    comments = comments.replace("\u00a0", " ")
    for key in KEYS:
        assert f"{key.path.split('.')[-1]}:" in text, key.path
        assert " ".join(key.help_fr.split()[:6]) in comments, key.path
    # Without IRIS contours: the IRIS keys and the covariates are there, commented out.
    document = yaml.safe_load(text)
    assert "iris" not in document["geo"] and document["covariates"] is None
    assert '    # id_property: "CODE_IRIS"' in text and '  # file: "data/iris_covariates.csv"' in text
    assert load_territory(tmp_path / "t").iris is None
    assert load_territory(tmp_path / "t").code_kind == "departement"


def test_places_of_digital_mediation_are_a_commented_example(tmp_path, sources):
    communes, iris = sources
    root = tmp_path / "t"
    assert new(root, "--communes", str(communes), "--iris", str(iris), "--name", "Val", "--code", "71") == 0
    text = (root / "observatoire.yaml").read_text(encoding="utf-8")
    assert '\nsupport:\n' in text and '  # file: "data/lieux_mediation_numerique.csv"' in text
    assert load_territory(root).support is None and "support" not in load_territory(root).provenance
    # Uncommenting the line is all it takes: the places become an input, real unless said otherwise.
    (root / "observatoire.yaml").write_text(text.replace('  # file: "data/lieux', '  file: "data/lieux'), encoding="utf-8")
    territory = load_territory(root)
    assert territory.support == root / "data" / "lieux_mediation_numerique.csv"
    assert territory.provenance["support"] == "real"


def test_refuses_a_non_empty_directory(tmp_path, sources, capsys):
    communes, iris = sources
    root = tmp_path / "t"
    root.mkdir()
    (root / "mes-notes.txt").write_text("à garder")
    assert new(root, "--communes", str(communes), "--name", "Val", "--code", "200071905") == 2
    assert "existe déjà et n'est pas vide : rien n'a été écrit" in capsys.readouterr().err
    assert [p.name for p in root.iterdir()] == ["mes-notes.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_properties_are_asked_for_when_not_recognised(tmp_path, capsys):
    path = tmp_path / "communes.geojson"
    features = [{"type": "Feature", "properties": {"code_insee": f"7190{i}", "appellation": f"Ville {i}"},
                 "geometry": {"type": "Polygon", "coordinates": [[[4, 46], [4.1, 46], [4.1, 46.1], [4, 46]]]}}
                for i in range(1, 3)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert new(tmp_path / "t", "--communes", str(path), "--name", "Val", "--code", "71") == 2
    err = capsys.readouterr().err
    assert "impossible de reconnaître la propriété qui porte le nom des communes" in err
    assert "--communes-name" in err and "appellation (ex. « Ville 1 »)" in err
    assert not (tmp_path / "t").exists()
    assert new(tmp_path / "t", "--communes", str(path), "--name", "Val", "--code", "71",
               "--communes-name", "appellation") == 0
    assert load_territory(tmp_path / "t").communes.name_property == "appellation"
    assert new(tmp_path / "u", "--communes", str(path), "--name", "Val", "--code", "71", "--communes-name", "nom") == 2
    assert "la propriété « nom » (le nom des communes) manque" in capsys.readouterr().err


def test_shapefile_or_missing_name_get_a_french_message(tmp_path, sources, capsys):
    communes, _ = sources
    assert new(tmp_path / "t", "--communes", str(tmp_path / "COMMUNE.shp"), "--name", "Val", "--code", "71") == 2
    assert "ogr2ogr -f GeoJSON -t_srs EPSG:4326" in capsys.readouterr().err
    assert new(tmp_path / "t", "--communes", str(communes), "--code", "71") == 2
    assert "Indiquez le nom et le code du territoire" in capsys.readouterr().err


def referential(folder: Path, members: list[tuple[str, str, int]], version: str = "9.9.9") -> Path:
    """A package directory shaped like @etalab/decoupage-administratif."""
    (folder / "data").mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": "@etalab/decoupage-administratif", "version": version}))
    (folder / "README.md").write_text(f"| Année | Version |\n|---|---|\n| 2031  | {version} | `npm install` |\n")
    epci = [{"code": "200071905", "nom": "CC du Val d'Arlenc", "type": "CC",
             "membres": [{"code": code, "nom": name, "populationMunicipale": 1} for code, name, _ in members]}]
    communes = [{"code": code, "nom": name, "type": "commune-actuelle", "population": population}
                for code, name, population in members]
    (folder / "data" / "epci.json").write_text(json.dumps(epci, ensure_ascii=False), encoding="utf-8")
    (folder / "data" / "communes.json").write_text(json.dumps(communes, ensure_ascii=False), encoding="utf-8")
    return folder


def test_epci_members_names_and_populations_come_from_the_referential(tmp_path, sources, capsys):
    communes, iris = sources
    members = [(code, f"{name} (officiel)", 1000 + k) for k, (code, name, *_) in enumerate(COMMUNES[:4])]
    package = referential(tmp_path / "pkg", members)
    root = tmp_path / "t"
    assert new(root, "--communes", str(communes), "--iris", str(iris), "--epci", "200071905",
               "--referentiel", str(package)) == 0
    out = capsys.readouterr().out
    assert "@etalab/decoupage-administratif 9.9.9 (millésime 2031)" in out
    assert "1 commune(s) des contours hors de CC du Val d'Arlenc, non reprise(s) : 71905 Chaumel." in out
    territory = load_territory(root)
    assert (territory.name, territory.code, territory.short_name) == ("CC du Val d'Arlenc", "200071905",
                                                                      "la communauté de communes")
    assert "@etalab/decoupage-administratif 9.9.9 (millésime 2031)" in territory.config.read_text(encoding="utf-8")
    written = [f["properties"] for f in json.loads(territory.communes.file.read_text(encoding="utf-8"))["features"]]
    assert [(p["INSEE_COM"], p[territory.communes.name_property], p[territory.communes.population_property])
            for p in written] == members
    assert pd.read_csv(territory.margins / "commune.csv", dtype=str)["commune"].tolist() == [m[0] for m in members]
    kept = json.loads(territory.iris.file.read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["INSEE_COM"] for f in kept} == {m[0] for m in members}


def test_epci_member_missing_from_the_contours_is_named(tmp_path, sources, capsys):
    communes, _ = sources
    package = referential(tmp_path / "pkg", [("71901", "Valmont", 10), ("71999", "Ailleurs", 5)])
    assert new(tmp_path / "t", "--communes", str(communes), "--epci", "200071905", "--referentiel", str(package)) == 2
    assert "absente(s) des contours : 71999 Ailleurs" in capsys.readouterr().err
    assert new(tmp_path / "t", "--communes", str(communes), "--epci", "200000000", "--referentiel", str(package)) == 2
    assert "Aucun EPCI de SIREN « 200000000 »" in capsys.readouterr().err
    assert new(tmp_path / "t", "--communes", str(communes), "--epci", "200071905",
               "--referentiel", str(tmp_path / "absent")) == 2
    assert "npm ci" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


@pytest.mark.skipif(not (DEFAULT_DIR / "data" / "epci.json").is_file(),
                    reason="node_modules/@etalab/decoupage-administratif absent : lancez « npm ci » (make test le fait)")
def test_epci_with_the_pinned_national_referential(tmp_path, capsys):
    version = json.loads((DEFAULT_DIR / "package.json").read_text())["version"]
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["@etalab/decoupage-administratif"]
    assert version == pinned
    root = tmp_path / "t"
    assert new(root, "--communes", str(EXAMPLE.communes.file), "--epci", EXAMPLE.code, "--short-name", "la métropole") == 0
    out = capsys.readouterr().out
    assert f"@etalab/decoupage-administratif {version} (millésime" in out
    territory = load_territory(root)
    assert territory.name == EXAMPLE.name and territory.short_name == "la métropole"
    def codes(path):
        return {f["properties"]["code"]: f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]}

    written = codes(territory.communes.file)
    assert len(written) == 28 and set(written) == set(codes(EXAMPLE.communes.file))
    assert 800_000 < sum(p["population_legale"] for p in written.values()) < 1_000_000


def test_the_scaffold_never_touches_its_sources(tmp_path, sources):
    communes, iris = sources
    before = communes.read_bytes(), iris.read_bytes()
    assert new(tmp_path / "t", "--communes", str(communes), "--iris", str(iris), "--name", "V", "--code", "71") == 0
    assert (communes.read_bytes(), iris.read_bytes()) == before


def test_demo_needs_the_commune_populations(tmp_path, capsys):
    """Contours without a population property: the demo says where to put it, and writes nothing."""
    communes, iris = contour_files(tmp_path / "sources")
    document = json.loads(communes.read_text(encoding="utf-8"))
    for feature in document["features"]:
        del feature["properties"]["POPULATION"]
    communes.write_text(json.dumps(document), encoding="utf-8")
    root = tmp_path / "t"
    assert new(root, "--communes", str(communes), "--iris", str(iris), "--name", "V", "--code", "71") == 0
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert main(["demo", "--territory", str(root), "--n", "200"]) == 2
    assert "geo.communes.population_property" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before

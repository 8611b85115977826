"""Damaged and hostile files: a French message naming the file, never a traceback, bounded memory."""

from __future__ import annotations

import resource
import shutil
import time
import zipfile

import pytest
import yaml
from hostile import TERRITORY, corrupt_deflate, huge_string_xlsx, plain_workbook, rewrite_parts, template_files

from observatoire import readers
from observatoire.cli import main
from observatoire.errors import UserError
from observatoire.indicators.catalog import load_catalog
from example_territory import EXAMPLE, example_geography, example_spec
from observatoire.readers import read_table
from observatoire.survey_spec import load_spec
from observatoire.yamlfile import MAX_NODES, load_yaml

SURVEY_ROWS = [["respondent_id", "wave", "commune"], ["A1", "2024", "33063"]]


@pytest.fixture
def workbook(tmp_path):
    return plain_workbook(tmp_path / "enquete.xlsx", SURVEY_ROWS)


def _broken(kind: str, workbook, tmp_path):
    if kind == "corrupt deflate":
        return corrupt_deflate(workbook, tmp_path / "deflate.xlsx")
    if kind == "malformed sheet XML":
        return rewrite_parts(workbook, tmp_path / "xml.xlsx", {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c"})
    if kind == "junk [Content_Types].xml":
        return rewrite_parts(workbook, tmp_path / "types.xlsx", {"[Content_Types].xml": b"\x00junk<<>>" * 50})
    if kind == "missing workbook part":
        with zipfile.ZipFile(tmp_path / "sans.xlsx", "w") as archive:
            archive.writestr("[Content_Types].xml", zipfile.ZipFile(workbook).read("[Content_Types].xml"))
        return tmp_path / "sans.xlsx"
    raise AssertionError(kind)


KINDS = ["corrupt deflate", "malformed sheet XML", "junk [Content_Types].xml", "missing workbook part"]


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_workbooks_get_a_french_message(kind, workbook, tmp_path, capsys):
    path = _broken(kind, workbook, tmp_path)
    with pytest.raises(UserError, match=f"Le classeur Excel « {path.name} » est illisible ou endommagé"):
        read_table(path)
    with pytest.raises(UserError, match="illisible ou endommagé"):
        read_table("televerse.xlsx", content=path.read_bytes())  # an upload, from memory
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Erreur : Le classeur Excel" in err and "Traceback" not in err


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_template_is_refused_by_import(kind, tmp_path, capsys):
    files = template_files(tmp_path)
    path = _broken(kind, files["template"], tmp_path)
    before = files["values"].read_bytes()
    assert main(["import", str(path), "--catalog", str(files["catalog"]), "--values", str(files["values"]), "--yes"]) == 2
    assert "illisible ou endommagé" in capsys.readouterr().err
    assert files["values"].read_bytes() == before


def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_XLSX_EXPANDED", 8 * 2**20)  # the real limit is 512 MB: same check, faster
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(20):
                part.write(b"\x00" * 2**20)  # 20 MB of zeros: a few KB once compressed
    assert path.stat().st_size < 2**20
    with pytest.raises(UserError, match="occuperait 20 Mo une fois décompressé"):
        read_table(path)


def test_spss_junk_and_csv_monster_field(tmp_path):
    junk = tmp_path / "enquete.sav"
    junk.write_bytes(b"$FL2@(#) SPSS DATA FILE" + b"\x01\xff" * 500)
    with pytest.raises(UserError, match="Le fichier SPSS « enquete.sav » est illisible ou endommagé"):
        read_table(junk)
    monster = tmp_path / "enquete.csv"
    monster.write_text("Enquête\nrespondent_id;commune\nA1;" + "9" * 300_000 + "\n", encoding="utf-8")
    with pytest.raises(UserError, match="ne se découpe pas en colonnes : une valeur dépasse"):
        read_table(monster)


def test_sixty_megabyte_shared_string_is_echoed_in_80_characters(tmp_path, capsys):
    """A 60 MB cell in an uploaded survey: read, reported with its value cut to 80 characters."""
    path = huge_string_xlsx(tmp_path / "enorme.xlsx", [["respondent_id", "wave", "commune"], ["A1", "2024", ""]],
                            huge_at=(1, 2), size=60 * 2**20)
    assert path.stat().st_size < 2**20  # 60 MB of the same letter compresses to almost nothing
    assert main(["validate", str(path), "--json"]) == 1
    out = capsys.readouterr().out
    assert len(out) < 50_000 and '"value": "' + "A" * 79 + "…" in out
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert len(out) < 50_000 and "« " + "A" * 79 + "… »" in out
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 3 * 2**20  # KB: the test process stays under 3 GB


def test_sixty_megabyte_shared_string_in_the_template(tmp_path):
    files = template_files(tmp_path)
    header = ["Indicateur", "Année", "Niveau géographique", "Code géographique", "Ventilation", "Valeur", "IC bas",
              "IC haut", "Effectif non pondéré", "Source", "Statut"]
    path = huge_string_xlsx(tmp_path / "enorme.xlsx", [header, ["", "2023", "", "", "", "12", "", "", "", "x", ""]],
                            huge_at=(1, 0), size=60 * 2**20, sheet="Valeurs")
    from hostile import CATALOG

    from observatoire.indicators.workbook import read_workbook

    with pytest.raises(UserError) as err:
        read_workbook(path, CATALOG, TERRITORY)
    assert len(err.value.message) < 1000 and "A" * 79 + "…" in err.value.message


def _copy_survey_dir(tmp_path):
    target = tmp_path / "survey"
    shutil.copytree(EXAMPLE.survey_description, target)
    return target


def test_non_utf8_yaml_files_are_reported_in_french(tmp_path):
    catalog = tmp_path / "indicators.yaml"
    catalog.write_bytes(EXAMPLE.catalog.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    with pytest.raises(UserError) as err:
        load_catalog(catalog)
    assert "indicators.yaml n'est pas encodé en UTF-8 (ligne 1" in err.value.message
    assert "Enregistrez-le en UTF-8" in err.value.hint
    survey = _copy_survey_dir(tmp_path)
    (survey / "codebook.yaml").write_bytes("titre: « enquête »\n".encode("latin-1"))
    with pytest.raises(UserError, match="codebook.yaml n'est pas encodé en UTF-8"):
        load_spec(survey)


def test_malformed_yaml_names_the_line(tmp_path):
    catalog = tmp_path / "indicators.yaml"
    catalog.write_text("version: 1\nindicators:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"indicators.yaml : YAML illisible \(ligne \d+, colonne \d+\)"):
        load_catalog(catalog)


BOMB = "\n".join(["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                 + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
                 + ["indicators: *i"]) + "\n"


def test_yaml_alias_bomb_is_refused_quickly_with_little_memory(tmp_path):
    bomb = tmp_path / "indicators.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 1000  # 9^9 = 387 420 489 values once expanded
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(UserError) as err:
        load_catalog(bomb)
    assert time.perf_counter() - start < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB
    assert "les alias YAML (*nom) y répètent plus de" in err.value.message
    recursive = tmp_path / "recursif.yaml"
    recursive.write_text("a: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(UserError, match="se contient lui-même"):
        load_yaml(recursive)
    deep = tmp_path / "profond.yaml"
    deep.write_text("[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(UserError, match="imbrication trop profonde"):
        load_yaml(deep)


def test_ordinary_anchors_still_load(tmp_path):
    shared = tmp_path / "ancres.yaml"
    shared.write_text("base: &b {unit: '%', decimals: 1}\nitems: [*b, *b, *b]\n", encoding="utf-8")
    assert load_yaml(shared)["items"] == [{"unit": "%", "decimals": 1}] * 3
    assert len(yaml.safe_load(EXAMPLE.catalog.read_text(encoding="utf-8"))["indicators"]) == len(load_catalog(EXAMPLE.catalog).indicators)
    assert MAX_NODES > 50 * 2000  # far above the project's catalogue


def test_shapeless_text_is_refused_at_once(tmp_path):
    junk = tmp_path / "desordre.csv"
    lines = ["a;b;c;d"] + [";".join(["x"] * (1 + i % 5)) for i in range(5000)]
    junk.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(UserError, match=r"« desordre.csv » n'a pas la forme d'un tableau : \d+ des 1999 premières lignes"):
        read_table(junk)
    few = tmp_path / "quelques.csv"
    few.write_text("\n".join(["a;b;c;d"] + ["1;2;3;4"] * 300 + ["1;2"] * 10), encoding="utf-8")
    issues = read_table(few).source.issues
    assert len(issues) == 10 and {i.code for i in issues} == {"wrong_field_count"}  # still reported line by line


def test_the_cli_lists_every_finding_the_app_the_first_1000(tmp_path, capsys):
    import json

    survey = tmp_path / "enquete.csv"
    survey.write_text("\n".join(["respondent_id;wave;commune"] + [f"R{i};2024;99{i:03d}" for i in range(1500)]), encoding="utf-8")
    assert main(["validate", str(survey), "--json"]) == 1
    assert sum(f["code"] == "unknown_commune" for f in json.loads(capsys.readouterr().out)) == 1500
    from observatoire.validation import validate_survey

    report = validate_survey(read_table(survey), example_spec(), example_geography())
    assert len(report.findings) == 1000 and report.counts["unknown_commune"] == 1500
    assert report.summary_fr().startswith("Fichier non valide") and "commune inconnue (1\u00a0500)" in report.summary_fr()
    assert report.lines_fr(20)[-1].startswith("… et ")


def test_workbooks_are_parsed_by_defusedxml_not_lxml():
    """svglib (the brief) installs lxml; openpyxl would then parse uploads with it, without the
    protections and the errors the tests above pin. `observatoire` turns that off on import."""
    import subprocess
    import sys

    code = "import observatoire, openpyxl.xml as x; print(x.LXML, x.DEFUSEDXML)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]

"""Excel round trip: template -> filled with openpyxl -> import -> identical values; bad workbooks."""

from __future__ import annotations

import hashlib
import os

import openpyxl
import pandas as pd
import pytest

from observatoire.cli import main
from observatoire.errors import UserError
from observatoire.indicators.values import empty_values, read_values, write_values
from observatoire.indicators.workbook import HEADERS, read_workbook

from template_filling import fill

from .conftest import make_catalog, make_indicator

CATALOG = make_catalog(
    make_indicator(id="TST01", unit_short="%"),
    make_indicator(id="TST02", direction="binary", target=1, unit_short="oui/non"),
    make_indicator(id="TST03", source={"type": "survey", "variable": "in_difficulty", "estimator": "proportion"}),
)


def _row(indicator, year, value, status="final", **extra) -> dict:
    row = {"indicator": indicator, "year": year, "geo_level": "territory", "geo_code": "243300316", "breakdown": "",
           "value": value, "ci_low": None, "ci_high": None, "n_unweighted": None, "source": "test", "status": status}
    row.update(extra)
    return row


@pytest.fixture
def files(tmp_path, monkeypatch):
    """A catalogue file, a values file with two known values and an exported template."""
    import yaml
    catalog_path = tmp_path / "indicators.yaml"
    catalog_path.write_text(yaml.safe_dump(CATALOG.model_dump(mode="json"), allow_unicode=True), encoding="utf-8")
    values_path = tmp_path / "values.csv"
    write_values(pd.DataFrame([_row("TST01", 2021, 40.0), _row("TST01", 2022, 42.5),
                               _row("TST03", 2022, 19.0, ci_low=17.0, ci_high=21.0, n_unweighted=900)]), values_path)
    template = tmp_path / "saisie.xlsx"
    assert main(["template", "--out", str(template), "--catalog", str(catalog_path), "--values", str(values_path)]) == 0
    return {"catalog": catalog_path, "values": values_path, "template": template, "dir": tmp_path}


def _import(files, workbook, *extra) -> int:
    return main(["import", str(workbook), "--catalog", str(files["catalog"]), "--values", str(files["values"]), *extra])


def test_template_content(files):
    wb = openpyxl.load_workbook(files["template"])
    assert wb.sheetnames == ["Instructions", "Valeurs", "Indicateurs", "Listes", "Dictionnaire"]
    ws = wb["Valeurs"]
    assert [c.value for c in ws[1]] == list(HEADERS.values())
    # known file-based values only (TST03 comes from the survey)
    assert [(r[0], r[1], r[5]) for r in ws.iter_rows(min_row=2, values_only=True)] == [("TST01", 2021, 40), ("TST01", 2022, 42.5)]
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations["A2:A2000"] == "=Listes!$A$1:$A$2"  # TST01, TST02
    assert validations["B2:B2000"].startswith("=Listes!$B$1")
    assert [c.value for c in wb["Listes"]["A"] if c.value] == ["TST01", "TST02"]
    assert "pourcentage" in " ".join(str(c.value) for c in wb["Instructions"]["A"])


def test_round_trip_gives_identical_values(files):
    filled = fill(files["template"], files["dir"] / "rempli.xlsx", [
        ["TST01", 2023, None, None, None, 47.25, None, None, None, "bilan 2023", "provisoire"],
        ["TST02", 2023, "territory", "243300316", None, 1, None, None, None, "délibération", "définitive"],
        ["TST01", 2023, "commune", 33063, None, "12,5", 10, 15, 120, "bilan 2023", "définitive"],
    ])
    assert _import(files, filled, "--yes") == 0
    written = read_values(files["values"])
    expected = pd.DataFrame([
        _row("TST01", 2021, 40.0), _row("TST01", 2022, 42.5),
        _row("TST03", 2022, 19.0, ci_low=17.0, ci_high=21.0, n_unweighted=900),
        _row("TST01", 2023, 47.25, status="provisional", source="bilan 2023"),
        _row("TST02", 2023, 1.0, source="délibération"),
        _row("TST01", 2023, 12.5, geo_level="commune", geo_code="33063", ci_low=10.0, ci_high=15.0,
             n_unweighted=120, source="bilan 2023"),
    ])
    pd.testing.assert_frame_equal(written, read_values(_write(expected, files["dir"] / "expected.csv")))
    # importing the same workbook again changes nothing and adds no history
    history = (files["dir"] / "history.csv").read_text(encoding="utf-8")
    assert _import(files, filled, "--yes") == 0
    assert (files["dir"] / "history.csv").read_text(encoding="utf-8") == history


def test_dictionary_gives_the_codes_and_the_import_reads_them_as_headers(files):
    wb = openpyxl.load_workbook(files["template"])
    rows = list(wb["Dictionnaire"].iter_rows(values_only=True))
    assert rows[0] == ("Feuille", "Colonne", "Code", "Signification")
    assert [(r[1], r[2]) for r in rows[1:]] == [(title, code) for code, title in HEADERS.items()]
    assert all(r[3] for r in rows[1:])
    # a program that writes the codes as headers imports the same values as the French headers
    french = read_workbook(files["template"], CATALOG, "243300316")
    for cell, code in zip(wb["Valeurs"][1], HEADERS):
        cell.value = code
    coded = files["dir"] / "codes.xlsx"
    wb.save(coded)
    pd.testing.assert_frame_equal(read_workbook(coded, CATALOG, "243300316"), french)


def _write(frame, path):
    write_values(frame, path)
    return path


def test_revision_keeps_history_and_never_loses_values(files):
    # change 2022 (42.5 -> 43), delete the 2021 row from the workbook: 2021 must stay
    wb = openpyxl.load_workbook(files["template"])
    ws = wb["Valeurs"]
    ws["F3"] = 43
    ws.delete_rows(2)
    path = files["dir"] / "revise.xlsx"
    wb.save(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = os.stat(path).st_mtime_ns
    assert _import(files, path, "--yes") == 0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before and os.stat(path).st_mtime_ns == mtime
    values = read_values(files["values"]).set_index(["indicator", "year"])["value"]
    assert values[("TST01", 2021)] == 40.0 and values[("TST01", 2022)] == 43.0
    history = pd.read_csv(files["dir"] / "history.csv")
    assert len(history) == 1
    change = history.iloc[0]
    assert (change["change"], change["previous_value"], change["new_value"]) == ("changed", 42.5, 43.0)
    assert change["source_file"] == "revise.xlsx" and len(change["source_sha256"]) == 64
    assert change["changed_at"].endswith("+00:00")


def test_dry_run_and_refusal_write_nothing(files, monkeypatch, capsys):
    filled = fill(files["template"], files["dir"] / "rempli.xlsx", [["TST01", 2024, None, None, None, 50, None, None, None, "x", "provisoire"]])
    before = files["values"].read_bytes()
    assert _import(files, filled, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "1 nouvelle(s) valeur(s)" in out and "+ TST01 2024" in out and "rien n'a été écrit" in out
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert _import(files, filled) == 0
    assert files["values"].read_bytes() == before
    assert not (files["dir"] / "history.csv").exists()


def test_write_is_atomic(files, monkeypatch, capsys):
    filled = fill(files["template"], files["dir"] / "rempli.xlsx", [["TST01", 2024, None, None, None, 50, None, None, None, "x", "provisoire"]])
    before = files["values"].read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    assert _import(files, filled, "--yes") == 2
    assert "Impossible d'enregistrer la table des valeurs" in capsys.readouterr().err
    assert files["values"].read_bytes() == before
    assert not [p.name for p in files["dir"].iterdir() if p.name.endswith(".tmp")]


BAD_CASES = [
    ({"F2": "45 %"}, "Feuille Valeurs, cellule F2 : « 45 % » n'est pas un nombre"),
    ({"B2": "deux mille"}, "Feuille Valeurs, cellule B2 : « deux mille » n'est pas un nombre"),
    ({"B2": 1850}, "cellule B2 : « 1850 » est hors de la période des engagements (2020 à 2026"),
    ({"A2": "XXX99"}, "cellule A2 : « XXX99 » n'est pas un indicateur du catalogue"),
    ({"A2": "TST03"}, "cellule A2 : « TST03 » est calculé à partir de l'enquête"),
    ({"A2": None}, "cellule A2 : identifiant d'indicateur manquant"),
    ({"F2": None}, "cellule F2 : valeur obligatoire manquante"),
    ({"F2": 140}, "cellule F2 : « 140 » : une part en pourcentage est comprise entre 0 et 100"),
    ({"F2": 41, "G2": 42}, "cellule F2 : la valeur sort de son intervalle de confiance"),
    ({"K2": "peut-être"}, "cellule K2 : « peut-être » n'est pas un statut"),
    ({"C2": "pays"}, "cellule C2 : « pays » n'est pas un niveau"),
    ({"C2": "commune", "D2": None}, "cellule D2 : code géographique manquant"),
    ({"I2": 12.5}, "cellule I2 : « 12,5 » n'est pas un nombre entier"),
    ({"F1": "Montant"}, "cellule F1 : colonne « Valeur » absente"),
    ({"B3": 2021}, "cellule A3 : même indicateur, année, territoire et ventilation qu'à la ligne 2"),
]


@pytest.mark.parametrize(("edits", "message"), BAD_CASES)
def test_bad_workbook_messages(files, edits, message):
    path = fill(files["template"], files["dir"] / "faux.xlsx", [], edits)
    with pytest.raises(UserError) as err:
        read_workbook(path, CATALOG, "243300316")
    assert message in err.value.message


def test_percent_formatted_cell_and_binary_value(files):
    wb = openpyxl.load_workbook(files["template"])
    ws = wb["Valeurs"]
    ws["F2"] = 0.45
    ws["F2"].number_format = "0%"
    ws.append(["TST02", 2023, None, None, None, 2, None, None, None, "x", "définitive"])
    path = files["dir"] / "faux.xlsx"
    wb.save(path)
    with pytest.raises(UserError) as err:
        read_workbook(path, CATALOG, "243300316")
    assert "cellule F2 : cellule au format pourcentage" in err.value.message
    assert "cellule F4 : « 2 » : indicateur oui/non" in err.value.message
    assert "2 problème(s)" in err.value.message


def test_unreadable_or_wrong_workbook(files, capsys):
    broken = files["dir"] / "casse.xlsx"
    broken.write_bytes(b"pas un classeur")
    assert _import(files, broken) == 2
    assert "illisible" in capsys.readouterr().err
    wb = openpyxl.Workbook()
    wb.active.title = "Feuil1"
    other = files["dir"] / "autre.xlsx"
    wb.save(other)
    with pytest.raises(UserError, match="feuille « Valeurs » absente"):
        read_workbook(other, CATALOG, "243300316")


def test_template_refuses_to_overwrite(files, capsys):
    assert main(["template", "--out", str(files["template"]), "--catalog", str(files["catalog"]),
                 "--values", str(files["values"])]) == 2
    assert "existe déjà" in capsys.readouterr().err


def test_import_into_missing_values_file(files):
    filled = fill(files["template"], files["dir"] / "rempli.xlsx", [])
    target = files["dir"] / "neuf" / "values.csv"
    assert main(["import", str(filled), "--catalog", str(files["catalog"]), "--values", str(target), "--yes"]) == 0
    assert len(read_values(target)) == 2
    assert empty_values().columns.tolist() == read_values(target).columns.tolist()

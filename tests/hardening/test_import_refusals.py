"""The template import refuses what a service would regret, naming the cell and what to do."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from hostile import CATALOG, TERRITORY, import_args, rewrite_parts, template_files
from template_filling import fill

from observatoire.cli import main
from observatoire.errors import UserError
from example_territory import example_geography
from observatoire.indicators.workbook import read_workbook

COMMUNES = frozenset(example_geography().communes["code"])
#          A        B     C           D            E     F      G     H     I     J          K
GOOD = ["TST02", 2023, "commune", "33063", None, 12, None, None, None, "bilan", "définitive"]


@pytest.fixture
def files(tmp_path):
    return template_files(tmp_path)


def _refusal(path, communes=COMMUNES) -> str:
    with pytest.raises(UserError) as err:
        read_workbook(path, CATALOG, TERRITORY, communes)
    return err.value.message


def _with(**changes) -> list:
    columns = dict(zip("ABCDEFGHIJK", GOOD))
    columns.update(changes)
    return list(columns.values())


CASES = [
    ("compte négatif", _with(F=-5), "cellule F4 : « -5 » : une valeur en lieux ne peut pas être négative"),
    ("part au-delà de 100", _with(A="TST01", F=140), "cellule F4 : « 140 » : une part en pourcentage est comprise entre 0 et 100"),
    ("borne d'intervalle négative", _with(F=3, G=-1, H=5), "cellule G4 : « -1 » : une borne d'intervalle sort des valeurs possibles"),
    ("effectif négatif", _with(I=-3), "cellule I4 : « -3 » : un effectif ne peut pas être négatif"),
    ("année 2100", _with(B=2100), "cellule B4 : « 2100 » est hors de la période des engagements (2020 à 2026"),
    ("commune inconnue", _with(D="33999"), "cellule D4 : « 33999 » n'est pas le code Insee d'une des 28 communes du territoire"),
    ("code postal", _with(D="33000"), "cellule D4 : « 33000 » n'est pas le code Insee"),
    ("IRIS d'une autre commune", _with(C="iris", D="750560101"), "cellule D4 : « 750560101 » n'est pas un code IRIS du territoire"),
    ("autre territoire", _with(C="territory", D="200046977"), "cellule D4 : « 200046977 » : le code du territoire est 243300316"),
]


@pytest.mark.parametrize(("case", "values", "message"), CASES, ids=[c[0] for c in CASES])
def test_values_a_service_would_regret_are_refused(files, tmp_path, case, values, message):
    path = fill(files["template"], tmp_path / "faux.xlsx", [values])
    assert message in _refusal(path)
    assert read_workbook(fill(files["template"], tmp_path / "bon.xlsx", [GOOD]), CATALOG, COMMUNES)["value"].tolist()[-1] == 12


def test_duplicated_value_column_is_refused_not_silently_won(files, tmp_path):
    path = fill(files["template"], tmp_path / "double.xlsx", [GOOD + [99]], edits={"L1": "Valeur"})
    message = _refusal(path)
    assert "cellule L1 : colonne « Valeur » en double (colonnes F et L) : gardez-en une seule" in message


def test_hidden_row_is_named(files, tmp_path):
    path = fill(files["template"], tmp_path / "masquee.xlsx", [GOOD, _with(B=2024)], hidden=(5,))
    assert "cellule A5 : la ligne 5 est masquée : affichez-la et vérifiez-la" in _refusal(path)


def _formula_workbook(files, tmp_path, cached: str | None):
    """The value F4 typed as a formula; `cached`: the value a spreadsheet computed and saved with it."""
    path = fill(files["template"], tmp_path / "formule.xlsx", [_with(F="=10+2")])
    if cached is None:
        return path
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml")
    assert b"<f>10+2</f><v />" in sheet
    return rewrite_parts(path, tmp_path / "formule_calculee.xlsx",
                         {"xl/worksheets/sheet2.xml": sheet.replace(b"<f>10+2</f><v />", f"<f>10+2</f><v>{cached}</v>".encode())})


def test_formula_without_computed_value_is_named_as_such(files, tmp_path):
    message = _refusal(_formula_workbook(files, tmp_path, None))
    assert "cellule F4 : formule sans valeur calculée — collez la valeur" in message
    assert "valeur obligatoire manquante" not in message


def test_formula_with_its_computed_value_is_read(files, tmp_path):
    incoming = read_workbook(_formula_workbook(files, tmp_path, "12"), CATALOG, COMMUNES)
    assert incoming["value"].tolist()[-1] == 12


def test_long_text_and_huge_cells_are_refused_with_a_short_echo(files, tmp_path):
    path = fill(files["template"], tmp_path / "long.xlsx", [_with(A="X" * 5000, J="source " * 200)])
    message = _refusal(path)
    assert "« " + "X" * 79 + "… » n'est pas un indicateur du catalogue" in message
    assert "cellule J4 : texte de 1 399 caractères" in message.replace("\u00a0", " ")
    assert max(len(line) for line in message.splitlines()) < 300


@pytest.mark.parametrize("option", ["--values", "--history"])
def test_values_and_history_are_csv_only(files, tmp_path, capsys, option):
    workbook = tmp_path / "valeurs.xlsx"
    openpyxl.Workbook().save(workbook)
    before = workbook.read_bytes()
    targets = {"--values": str(files["values"]), "--history": str(tmp_path / "history.csv"), option: str(workbook)}
    args = ["import", str(files["template"]), "--catalog", str(files["catalog"]), "--yes"]
    assert main([*args, "--values", targets["--values"], "--history", targets["--history"]]) == 2
    assert "s'enregistrent au format CSV" in capsys.readouterr().err
    assert workbook.read_bytes() == before  # never CSV text written into a workbook

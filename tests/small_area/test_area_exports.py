"""The targeting list as exported: JSON keys, CSV and XLSX read back with French headers, French
numbers, the method note and the provenance."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from observatoire.areas import exports
from observatoire.areas.ranking import rank_areas


@pytest.fixture(scope="module")
def ranked(demo_results):
    return rank_areas(demo_results.areas, "count", k=10, n_draws=300, settings=demo_results.settings)


def test_list_table_keys_and_names(ranked, demo_results):
    table = exports.list_table(ranked, demo_results.geography)
    assert list(table.columns) == list(exports.LIST_COLUMNS)
    first = table.iloc[0]
    assert first["iris"] == ranked["domain"].iloc[0] and first["iris_name"] and first["commune_name"]
    assert set(table["method"]) <= {"eblup", "synthetic"} and set(table["flag"]) <= {"ok", "fragile"}
    assert table["gamma"].dropna().isin([round(x / 10, 1) for x in range(11)]).all()
    records = exports.records(ranked.head(3), demo_results.geography)
    assert all(list(row) == [*exports.LIST_COLUMNS, "flags"] for row in records)


def test_csv_has_french_headers_and_numbers(ranked, demo_results):
    content = exports.list_csv(ranked, demo_results.geography, demo_results.settings)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[:3] == ["Rang", "Priorité", "Rang au mieux (95 %)"]
    assert "Part en difficulté (%)" in header and "Personnes en difficulté (estimation)" in header
    assert "Distance au lieu de médiation le plus proche (m)" in header and "Signalements" in header
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"Code IRIS": str, "Code commune": str})
    assert len(back) == len(ranked)
    pd.testing.assert_series_equal(back["Part en difficulté (%)"], (ranked["estimate"] * 100).round(1),
                                   check_names=False, atol=0.051)
    assert back["Code IRIS"].str.len().eq(9).all()
    assert back["Méthode"].isin(["modèle : répondants de la zone et zones semblables",
                                 "modèle seul : aucun répondant dans la zone"]).all()
    unranked = back[back["Rang"].isna()]
    assert len(unranked) and unranked["Signalements"].str.startswith("non classé").all()


def test_xlsx_reads_back_with_notes_and_provenance(ranked, demo_results):
    provenance = exports.source_lines(2024, demo_results.territory)
    content = exports.list_xlsx(ranked, demo_results.geography, demo_results.settings, provenance=provenance,
                                demo=demo_results.demo_note)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Lisez-moi", "Quartiers", "Dictionnaire"]
    notes = [str(c.value) for c in book["Lisez-moi"]["A"] if c.value]
    assert notes[0] == demo_results.demo_note
    text = "\n".join(notes)
    assert "enquête auprès des habitants (vague 2024)" in text and "covariables des IRIS" in text
    assert "lieux de médiation numérique" in text and ".csv" not in text
    assert "Priorité 1 : plus d'une chance sur deux d'être parmi les 10 premiers" in text
    assert "veut dire que ce quartier" in text and "habitants de 15 ans ou plus (réglage « Habitants" in text
    sheet = book["Quartiers"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Rang" and "Chances d'être parmi les 10 premiers (%)" in header
    assert sheet.max_row == len(ranked) + 1 and sheet.oddHeader.center.text == demo_results.demo_note
    # every column explained, with its key (the `quartiers --json` keys) for programs
    dictionary = {row[1]: row[2:] for row in book["Dictionnaire"].iter_rows(min_row=2, values_only=True)}
    assert set(dictionary) == set(header) and all(meaning for _, meaning in dictionary.values())
    assert {dictionary[h][0] for h in header} == {*exports.LIST_COLUMNS, "flags"}
    # shares at full precision behind a percentage format, shown as the CSV rounds them
    estimate = sheet.cell(row=2, column=header.index("Part en difficulté (%)") + 1)
    assert estimate.value == pytest.approx(ranked["estimate"].iloc[0]) and estimate.number_format == "0.0 %"
    count = sheet.cell(row=2, column=header.index("Personnes en difficulté (estimation)") + 1)
    assert count.number_format == "#,##0"


def test_xlsx_of_real_data_has_no_demo_label(ranked, demo_results):
    book = load_workbook(io.BytesIO(exports.list_xlsx(ranked, demo_results.geography, demo_results.settings)))
    assert "démonstration" not in str(book["Lisez-moi"]["A1"].value) and not book["Quartiers"].oddHeader.center.text

"""Every file the pages offer to people, read back as a spreadsheet user opens it: French headers
(never a code), codes in the workbook's « Dictionnaire », shares behind a percentage format at full
precision, CSV values rounded as displayed, `;` and UTF-8 with BOM."""

from __future__ import annotations

import csv
import io
import re

import pytest
from app_harness import page_test
from openpyxl import load_workbook

from observatoire import export
from observatoire.areas.exports import LIST_COLUMNS
from observatoire.commitments import PROGRESS_COLUMNS
from observatoire.labels import estimate_columns
from observatoire.stats import COLUMNS
from observatoire.ui.tables import findings_rows, survey_template
from observatoire.validation.findings import make_finding

CODES = {*COLUMNS, *LIST_COLUMNS, *PROGRESS_COLUMNS, *estimate_columns(), "flags", "wave", "decimals", "year", "value"}
SNAKE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")
WAVE = 2024


def _assert_people_headers(headers) -> None:
    """Fails as soon as one header is a code: a column name of the code, or a snake_case identifier."""
    assert headers and all(isinstance(h, str) and h for h in headers)
    codes = [h for h in headers if h in CODES or SNAKE.fullmatch(h)]
    assert not codes, f"headers still in code: {codes}"


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "a CSV for Excel starts with a UTF-8 BOM"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) > 1, "`;`-separated"
    return rows


def _decimals(text: str) -> int:
    return len(text.split(",")[1]) if "," in text else 0


def _workbook(data: bytes, sheet: str):
    """The data sheet's headers, the dictionary as {header: code}, and the sheet."""
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Lisez-moi" and book.sheetnames[-1] == "Dictionnaire"
    headers = [c.value for c in book[sheet][1]]
    _assert_people_headers(headers)
    rows = list(book["Dictionnaire"].iter_rows(min_row=2, values_only=True))
    dictionary = {header: code for name, header, code, _ in rows if name == sheet}
    assert list(dictionary) == headers, "every column has its code in the dictionary"
    return headers, dictionary, book[sheet]


def _column(sheet, headers, header):
    position = headers.index(header) + 1
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=position, max_col=position)]


def test_map_table_csv_and_xlsx(demo, downloads):
    assert not page_test("pages/map.py", demo).exception
    stem = f"carte_in_difficulty_commune_{WAVE}_demonstration"
    rows = _csv_rows(downloads[f"{stem}.csv"]())
    _assert_people_headers(rows[0])
    assert rows[0][:2] == ["Commune", "Code commune"] and "Part (%)" in rows[0] and "Répondants (n)" in rows[0]
    share = [row[rows[0].index("Part (%)")] for row in rows[1:] if row[rows[0].index("Part (%)")]]
    assert share and all(_decimals(v) == 1 and 0 <= float(v.replace(",", ".")) <= 100 for v in share)
    assert set(row[rows[0].index("Fiabilité")] for row in rows[1:]) <= {"fiable", "à interpréter avec prudence",
                                                                         "non diffusée"}
    headers, dictionary, sheet = _workbook(downloads[f"{stem}.xlsx"](), "Carte")
    assert dictionary["Part (%)"] == "estimate" and dictionary["Code commune"] == "domain"
    estimates = [c for c in _column(sheet, headers, "Part (%)") if c.value is not None]
    assert all(c.number_format == "0.0 %" and 0 <= c.value <= 1 for c in estimates)
    assert any(round(c.value, 3) != c.value for c in estimates), "full precision kept in the cell"
    assert {c.number_format for c in _column(sheet, headers, "Répondants (n)")} == {"#,##0"}


def test_neighbourhood_list_csv_and_xlsx(demo, downloads):
    assert not page_test("pages/neighbourhoods.py", demo).exception
    stem = "quartiers_count_territoire_demonstration"
    rows = _csv_rows(downloads[f"{stem}.csv"]())
    _assert_people_headers(rows[0])
    column = rows[0].index("Part en difficulté (%)")
    assert all(_decimals(row[column]) == 1 for row in rows[1:] if row[column])
    headers, dictionary, sheet = _workbook(downloads[f"{stem}.xlsx"](), "Quartiers")
    assert set(dictionary.values()) == {*LIST_COLUMNS, "flags"}  # the keys of `quartiers --json`
    assert {c.number_format for c in _column(sheet, headers, "Part en difficulté (%)")} == {"0.0 %"}


def test_commitments_table_and_card(demo, downloads):
    assert not page_test("pages/commitments.py", demo).exception
    headers, dictionary, sheet = _workbook(downloads["engagements_demonstration.xlsx"](), "Engagements")
    assert dictionary["Dernière valeur"] == "latest_value" and dictionary["Statut"] == "status_label"
    assert "inclusion" not in {c.value for c in _column(sheet, headers, "Thème")}  # the theme's title, not its code
    # values in the indicator's unit, shown with its decimals; rates behind a percentage format
    progress = demo.progress.set_index("id")
    for cell, indicator in zip(_column(sheet, headers, "Dernière valeur"), _column(sheet, headers, "Engagement")):
        decimals = int(progress.loc[indicator.value, "decimals"])
        assert cell.number_format == "#,##0" + ("." + "0" * decimals if decimals else "")
    assert {c.number_format for c in _column(sheet, headers, "Rythme observé (% par an)")} == {"0.0 %"}


def test_commitment_card_workbook(demo):
    from observatoire import commitments
    from observatoire.indicators.progress import headline_series

    row = demo.progress.set_index("id", drop=False).loc["INC01"].to_dict()
    data = commitments.detail_xlsx(row, headline_series(demo.indicator_values, "INC01"), {"inclusion": "Inclusion"})
    headers, dictionary, sheet = _workbook(data, "Série")
    assert dictionary == {"Année": "year", "Valeur": "value", "IC à 95 % : bas": "ci_low",
                          "IC à 95 % : haut": "ci_high", "Répondants (n)": "n_unweighted", "Source": "source"}
    assert {c.number_format for c in _column(sheet, headers, "Valeur")} == {"#,##0.0"}
    components, _, progress = _workbook(data, "Progression")
    lines = {r[0]: r[1:] for r in progress.iter_rows(min_row=2, values_only=True)}
    assert lines["Thème"] == ("Inclusion", "theme_title") and lines["Dernière valeur"][1] == "latest_value"
    assert _decimals(lines["Dernière valeur"][0]) == int(row["decimals"])


def test_survey_template_and_validation_report():
    rows = _csv_rows(survey_template(["respondent_id", "wave", "commune"]))
    assert rows == [["respondent_id", "wave", "commune"]]  # the import's codes: the template is read back
    finding = make_finding("unknown_commune", "f.csv", 2, "commune", "99999", n_communes=28,
                           example_code="00001", example_name="Valmont")
    rows = _csv_rows(export.csv_bytes(findings_rows([finding])))
    _assert_people_headers(rows[0])
    assert rows[0] == ["Ligne", "Colonne", "Valeur", "Problème", "Que faire"]


@pytest.mark.parametrize("header", ["estimate", "ci_low", "n_unweighted", "latest_value", "p_top_k", "share_65plus"])
def test_the_header_check_catches_codes(header):
    with pytest.raises(AssertionError):
        _assert_people_headers(["Commune", header])

import io

import altair as alt
import pandas as pd
import pytest
from openpyxl import load_workbook

from observatoire import export, labels

DEMO_NOTE = "Données de démonstration — synthétiques, ne pas citer : enquête."
from observatoire.viz.charts import bar_chart, demo_labelled

TABLE = pd.DataFrame(
    {
        "domain": ["Bordeaux", "Ambès", "Cenon"],
        "estimate": [0.19123456789, None, 0.25],
        "ci_low": [0.17, None, 0.15],
        "ci_high": [0.21, None, 0.37],
        "n_unweighted": [1200, 12, 45],
        "flag": ["ok", "withheld", "fragile"],
    }
)
HEADERS = ["Code", "Part (%)", "IC à 95 % : bas (%)", "IC à 95 % : haut (%)", "Répondants (n)", "Fiabilité"]


def test_csv_is_french_spreadsheet_friendly():
    data = export.csv_bytes(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(HEADERS)  # French headers with their unit, never the codes
    assert lines[1] == "Bordeaux;19,1;17,0;21,0;1200;fiable"  # shares in points, rounded as displayed
    assert lines[2] == "Ambès;;;;12;non diffusée"  # withheld: n and flag kept, no value
    assert lines[3] == "Cenon;25,0;15,0;37,0;45;à interpréter avec prudence"


def test_csv_rounds_each_row_to_its_own_decimals():
    table = pd.DataFrame({"value": [12.3456, 1234.5678], "decimals": [1, 0], "note": ["a", "b"]})
    columns = {"value": labels.Column("Valeur", kind="number", decimals_from="decimals")}
    lines = export.csv_bytes(table, columns).decode("utf-8-sig").splitlines()
    assert lines == ["Valeur;note", "12,3;a", "1235;b"]  # the decimals column itself is not written


@pytest.mark.parametrize("dropped", ["ci_low", "ci_high", "n_unweighted", "flag"])
def test_estimates_cannot_leave_without_uncertainty(dropped):
    with pytest.raises(ValueError, match=dropped):
        export.csv_bytes(TABLE.drop(columns=dropped))
    with pytest.raises(ValueError, match=dropped):
        export.xlsx_bytes({"t": TABLE.drop(columns=dropped)})


def test_xlsx_has_french_headers_full_precision_and_a_dictionary_of_codes():
    data = export.xlsx_bytes({"Communes": TABLE}, notes=["Observatoire — test"])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Lisez-moi", "Communes", export.DICTIONARY]
    readme = [row[0] for row in book["Lisez-moi"].iter_rows(values_only=True)]
    assert readme[0] == "Observatoire — test" and any("« Dictionnaire »" in str(line) for line in readme)
    sheet = book["Communes"]
    assert [c.value for c in sheet[1]] == HEADERS
    # the cell keeps every digit; its number format shows it as the app does (19,1 %)
    assert sheet["B2"].value == pytest.approx(0.19123456789, abs=1e-12) and sheet["B2"].number_format == "0.0 %"
    assert sheet["C2"].number_format == "0.0 %" and sheet["E2"].number_format == "#,##0"
    assert sheet["B3"].value is None and sheet["E3"].value == 12 and sheet["F3"].value == "non diffusée"
    assert sheet.freeze_panes == "A2"
    dictionary = list(book[export.DICTIONARY].iter_rows(values_only=True))
    assert dictionary[0] == ("Feuille", "Colonne", "Code", "Signification")
    assert [(row[1], row[2]) for row in dictionary[1:]] == list(zip(HEADERS, TABLE.columns))
    assert all(row[3] for row in dictionary[1:])  # every column explained


def test_a_script_finds_the_codes_through_the_dictionary():
    data = export.xlsx_bytes({"Communes": TABLE})
    dictionary = pd.read_excel(io.BytesIO(data), sheet_name=export.DICTIONARY)
    table = pd.read_excel(io.BytesIO(data), sheet_name="Communes")
    codes = dict(zip(dictionary["Colonne"], dictionary["Code"]))
    back = table.rename(columns=codes)
    assert list(back.columns) == list(TABLE.columns)
    assert back["estimate"].iloc[0] == pytest.approx(TABLE["estimate"].iloc[0])


@pytest.mark.parametrize(
    "fmt, magic", [("png", b"\x89PNG"), ("svg", b"<svg"), ("pdf", b"%PDF")]
)
def test_chart_bytes_render_offline(fmt, magic):
    data = export.chart_bytes(bar_chart(TABLE, title="Part en difficulté"), fmt)
    assert data.startswith(magic) and len(data) > 1000


def test_svg_uses_french_number_format():
    svg = export.chart_bytes(bar_chart(TABLE), "svg").decode()
    assert "20\u00a0%" in svg and "Fiabilité" in svg


def test_chart_spec_fixes_container_width():
    assert export.chart_spec(bar_chart(TABLE), width=500)["width"] == 500


def test_unknown_chart_format():
    with pytest.raises(ValueError):
        export.chart_bytes(bar_chart(TABLE), "gif")


@pytest.mark.parametrize("demo, name", [(True, "carte_2024_demonstration.csv"), (False, "carte_2024.csv")])
def test_download_name_says_demonstration(demo, name):
    assert export.download_name("carte_2024", "csv", demo) == name


def _labels(book) -> list[str]:
    """Where a workbook can say « demonstration »: first readme line, sheet headers, properties."""
    return [book["Lisez-moi"]["A1"].value, *(s.oddHeader.center.text for s in book.worksheets),
            book.properties.title, book.properties.subject]


def test_demo_xlsx_says_so_on_every_sheet_and_keeps_its_table_readable():
    data = export.xlsx_bytes({"Communes": TABLE, "Autre": TABLE}, notes=["Observatoire — test"], demo=DEMO_NOTE)
    book = load_workbook(io.BytesIO(data))
    assert _labels(book) == [DEMO_NOTE] * 7
    assert book["Lisez-moi"]["A2"].value == "Observatoire — test"
    assert all(sheet.sheet_properties.tabColor.rgb.endswith(export.DEMO_RED) for sheet in book.worksheets)
    back = pd.read_excel(io.BytesIO(data), sheet_name="Communes")  # row 1 still holds the column headers
    assert list(back.columns) == HEADERS and len(back) == len(TABLE)


def test_xlsx_of_real_data_has_no_demo_label():
    book = load_workbook(io.BytesIO(export.xlsx_bytes({"Communes": TABLE}, notes=["Observatoire — test"])))
    assert all("démonstration" not in str(label) for label in _labels(book))
    assert book["Lisez-moi"]["A1"].value == "Observatoire — test"


@pytest.mark.parametrize("title, expected", [
    ("Part en difficulté", {"text": "Part en difficulté", "subtitle": [DEMO_NOTE]}),
    (alt.TitleParams("Part", anchor="middle"), {"text": "Part", "anchor": "middle", "subtitle": [DEMO_NOTE]}),
    ("", {"text": [DEMO_NOTE]}),  # no title: the label becomes it (an empty title hides its subtitle)
])
def test_demo_label_is_drawn_in_the_chart(title, expected):
    chart = demo_labelled(bar_chart(TABLE).properties(title=title), DEMO_NOTE)
    assert export.chart_spec(chart)["title"] == expected
    assert f">{DEMO_NOTE}</text>" in export.chart_bytes(chart, "svg").decode()


def test_long_demo_note_is_wrapped_in_lines():
    note = "Données de démonstration — synthétiques, ne pas citer : " + ", ".join(["covariables des IRIS"] * 8) + "."
    subtitle = export.chart_spec(demo_labelled(bar_chart(TABLE, title="Part"), note))["title"]["subtitle"]
    assert len(subtitle) > 1 and " ".join(subtitle) == note and max(map(len, subtitle)) <= 90


def test_chart_without_demo_label():
    assert "démonstration" not in export.chart_bytes(bar_chart(TABLE, title="Part"), "svg").decode()

"""Downloadable files (CSV, XLSX, PNG, SVG, PDF) as bytes, for the app and the CLI (no Streamlit).

Tables keep their uncertainty: a table with an `estimate` column cannot be exported without its
CI bounds, unweighted n and reliability flag. Charts are rendered offline by vl-convert.

Files made from demonstration data say so (`demo=` the run's provenance note, `Results.demo_note`:
which inputs are demonstration), in ways that survive the file being passed on without breaking
machine reading: a workbook opens on its « Lisez-moi » sheet, whose first line is the note, and
every data sheet keeps its column headers in row 1 but carries the label in its printed header, a
red tab and the document properties; a CSV has no place for a notice that parsers would skip, so its file name says it (`download_name`). Charts carry it in their subtitle
(`observatoire.viz.charts.demo_labelled`).

Files for people (docs/exports.md): French column headers with their unit (`labels.Column`),
values rounded as displayed (in a CSV) or at full precision behind a number format (in a
workbook), words for codes; the codes stay available in the workbook's « Dictionnaire » sheet.

Every text cell goes through `observatoire.sheets` (formula text neutralised, XLSX text typed as
strings, workbooks built in memory): a value typed by a user never runs as a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd
import vl_convert
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from observatoire import labels
from observatoire.labels import Column
from observatoire.sheets import DICTIONARY, append_row, csv_text, workbook_bytes, write_dictionary

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
UNCERTAINTY = ("ci_low", "ci_high", "n_unweighted", "flag")
HEADER_FILL = PatternFill("solid", fgColor="000091")
DEMO_RED = "C9191E"
PRINTED_HEADER_MAX = 250  # Excel caps a header at 255 characters, formatting codes included


def require_uncertainty(table: pd.DataFrame) -> None:
    """Refuse to export estimates stripped of their CI, n or flag."""
    if "estimate" in table.columns:
        missing = [c for c in UNCERTAINTY if c not in table.columns]
        if missing:
            raise ValueError(f"estimates exported without {', '.join(missing)}")


def download_name(stem: str, extension: str, demo: bool) -> str:
    """`carte_2024.csv`, or `carte_2024_demonstration.csv` when the file holds demonstration data."""
    return f"{stem}_demonstration.{extension}" if demo else f"{stem}.{extension}"


def csv_bytes(table: pd.DataFrame, columns: Mapping[str, Column] | None = None) -> bytes:
    """CSV as French spreadsheets open it: French headers, values rounded as displayed (shares in
    percentage points), words for codes, `;` separator, decimal comma, UTF-8 with BOM.

    `columns`: code -> `labels.Column` (default: the estimate table's); a column without one keeps
    its name and values; a column giving other columns' decimals (`decimals_from`) is not written.
    A CSV has one header row: the codes are in the workbook's « Dictionnaire »."""
    require_uncertainty(table)
    columns = labels.estimate_columns() if columns is None else columns
    shown = pd.DataFrame({_header(code, columns): displayed(table, code, columns.get(code))
                          for code in written(table, columns)})
    return csv_text(shown, sep=";", decimal=",").encode("utf-8-sig")


def written(table: pd.DataFrame, columns: Mapping[str, Column]) -> list:
    """The table's columns as written: all but those that only give other columns' decimals."""
    helpers = {c.decimals_from for c in columns.values() if c.decimals_from}
    return [code for code in table.columns if code not in helpers]


def _header(code, columns: Mapping[str, Column]) -> str:
    return columns[code].header if code in columns else str(code)


def displayed(table: pd.DataFrame, code, column: Column | None) -> pd.Series:
    """One column as displayed: rounded to its decimals (per row when they vary), words for codes."""
    values = table[code]
    if column is None:
        return values
    if column.words:
        return values.map(lambda v: column.words.get(v, v))
    if column.kind == "plain" and pd.api.types.is_float_dtype(values) and values.dropna().mod(1).eq(0).all():
        return values.astype("Int64")  # a year or a rank, never « 2024,0 »
    if column.kind not in ("share", "number"):
        return values
    numbers = pd.to_numeric(values, errors="coerce").astype(float) * (100 if column.kind == "share" else 1)
    if column.decimals_from:  # as text: a column of mixed decimals would be re-read as floats
        return pd.Series([v if pd.isna(v) or pd.isna(d) else f"{v:.{int(d)}f}".replace(".", ",")
                          for v, d in zip(numbers, table[column.decimals_from])], index=table.index, dtype=object)
    rounded = numbers.round(column.decimals)
    return rounded.round().astype("Int64") if column.decimals == 0 else rounded


def number_format(column: Column, decimals: int | None = None) -> str | None:
    """The XLSX number format that shows a full-precision cell as the app displays it."""
    places = column.decimals if decimals is None else decimals
    fraction = "." + "0" * places if places else ""
    if column.kind == "share":
        return f"0{fraction} %"
    if column.kind == "number":
        return f"#,##0{fraction}"
    if column.kind == "plain":
        return "0"
    return None


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    notes: Sequence[str] = (),
    columns: Mapping[str, Column] | None = None,
    *,
    demo: str = "",
) -> bytes:
    """A workbook: a « Lisez-moi » sheet (notes), one sheet per table, then the « Dictionnaire »
    (each column's French header, its code for programs, its meaning).

    Tables have French headers in row 1 (`columns`: code -> `labels.Column`, default: the estimate
    table's), words for coded values, and numbers at full precision shown rounded by a number
    format (`0.0 %`, `#,##0`). `demo`: the provenance note when some inputs are demonstration data;
    every sheet says so (module docstring).
    """
    columns = labels.estimate_columns() if columns is None else columns
    book = Workbook()
    readme = book.active
    readme.title = "Lisez-moi"
    lines = [demo, *notes] if demo else list(notes)
    for line in [*lines, None] if lines else lines:
        append_row(readme, [line])
    append_row(readme, [f"Sens de chaque colonne et son code (pour les programmes) : feuille « {DICTIONARY} »."])
    readme.column_dimensions["A"].width = 110
    for name, table in sheets.items():
        require_uncertainty(table)
        _write_table(book.create_sheet(name[:31]), table, columns)
    dictionary = write_dictionary(book, [(name[:31], _header(code, columns), str(code),
                                          columns[code].meaning if code in columns else "")
                                         for name, table in sheets.items() for code in written(table, columns)])
    _bold_header(dictionary[1])
    if demo:
        _label_demo(book, demo)
    return workbook_bytes(book)


def _label_demo(book: Workbook, note: str) -> None:
    """The label where it stays with the file, and out of the tables' cells (row 1 = column names)."""
    book.properties.title = book.properties.subject = note
    book.worksheets[0]["A1"].font = Font(bold=True, color=DEMO_RED)  # the « Lisez-moi » line
    for sheet in book.worksheets:
        sheet.oddHeader.center.text = _printed(note)  # printed and PDF pages
        sheet.sheet_properties.tabColor = DEMO_RED


def _printed(note: str) -> str:
    """The note as a printed page header: Excel refuses headers over 255 characters, so a longer
    note is said in short, pointing to the readme sheet that holds it whole."""
    if len(note) <= PRINTED_HEADER_MAX:
        return note
    return "Données de démonstration — synthétiques, ne pas citer (détail : feuille « Lisez-moi »)."


def _bold_header(row) -> None:
    for cell in row:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_table(sheet, table: pd.DataFrame, columns: Mapping[str, Column]) -> None:
    codes = written(table, columns)
    append_row(sheet, [_header(code, columns) for code in codes])
    _bold_header(sheet[1])
    worded = pd.DataFrame({code: displayed(table, code, columns[code]) if code in columns and columns[code].words
                           else table[code] for code in codes})
    for row in worded.itertuples(index=False):
        append_row(sheet, row)
    for position, code in enumerate(codes, start=1):
        width = max([len(_header(code, columns)) // 2] + [len(str(v)) for v in worded[code].head(200)])
        sheet.column_dimensions[get_column_letter(position)].width = min(max(10, width + 2), 60)
        column = columns.get(code)
        if column is not None and number_format(column) is not None:
            per_row = table[column.decimals_from] if column.decimals_from else None
            for i, (cell,) in enumerate(sheet.iter_rows(min_row=2, min_col=position, max_col=position)):
                places = None if per_row is None or pd.isna(per_row.iloc[i]) else int(per_row.iloc[i])
                cell.number_format = number_format(column, places)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def chart_spec(chart: alt.TopLevelMixin, width: int = 760) -> dict:
    """The Vega-Lite spec with a fixed width (`container` has no meaning outside a page)."""
    spec = chart.to_dict()
    for view in [spec, *spec.get("vconcat", []), *spec.get("hconcat", [])]:
        if view.get("width") == "container":
            view["width"] = width
    return spec


def chart_bytes(chart: alt.TopLevelMixin, fmt: str, width: int = 760, scale: float = 2) -> bytes:
    """PNG, SVG or PDF of a chart, rendered offline (no network, system fonts)."""
    spec = chart_spec(chart, width)
    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, scale=scale)
    if fmt == "svg":
        return vl_convert.vegalite_to_svg(spec).encode("utf-8")
    if fmt == "pdf":
        return vl_convert.vegalite_to_pdf(spec)
    raise ValueError(f"unknown chart format {fmt!r}")

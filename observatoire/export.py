"""Downloadable files (CSV, XLSX, PNG, SVG, PDF) as bytes, for the app and the CLI (no Streamlit).

Tables keep their uncertainty: a table with an `estimate` column cannot be exported without its
CI bounds, unweighted n and reliability flag. Charts are rendered offline by vl-convert.

Files made from demonstration data say so (`demo=` the run's provenance note, `Results.demo_note`:
which inputs are demonstration), in ways that survive the file being passed on without breaking
machine reading: a workbook opens on its « Lisez-moi » sheet, whose first line is the note, and every data sheet keeps its column names in row 1 but carries the label in
its printed header, a red tab and the document properties; a CSV has no place for a notice that
parsers would skip, so its file name says it (`download_name`). Charts carry it in their subtitle
(`observatoire.viz.charts.demo_labelled`).

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

from observatoire.sheets import append_row, csv_text, workbook_bytes

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
UNCERTAINTY = ("ci_low", "ci_high", "n_unweighted", "flag")
# Meaning of the estimate-table columns, written in the workbook's « Lisez-moi » sheet.
COLUMN_NOTES = {
    "estimate": "estimation pondérée (part entre 0 et 1 pour une proportion)",
    "se": "erreur type (linéarisation)",
    "ci_low": "borne basse de l'intervalle de confiance à 95 %",
    "ci_high": "borne haute de l'intervalle de confiance à 95 %",
    "ci_method": "méthode de l'intervalle (logit, wilson, …)",
    "cv": "coefficient de variation",
    "deff": "effet de plan",
    "n_unweighted": "nombre de répondants (non pondéré)",
    "weighted_n": "effectif pondéré",
    "flag": "fiabilité : ok (fiable), fragile (à interpréter avec prudence), withheld (donnée non diffusée : "
    "effectif trop faible, estimation et intervalle effacés)",
}
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


def csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV as French spreadsheets open it: `;` separator, decimal comma, UTF-8 with BOM."""
    require_uncertainty(table)
    return csv_text(table, sep=";", decimal=",").encode("utf-8-sig")


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    notes: Sequence[str] = (),
    percent_columns: Sequence[str] = (),
    *,
    demo: str = "",
) -> bytes:
    """A workbook: a « Lisez-moi » sheet (notes + column meanings), then one sheet per table.

    Columns named in `percent_columns` get a percentage number format (values stay shares).
    `demo`: the provenance note when some inputs are demonstration data; every sheet says so
    (module docstring).
    """
    book = Workbook()
    readme = book.active
    readme.title = "Lisez-moi"
    columns = [c for table in sheets.values() for c in table.columns]
    _write_readme(readme, [demo, *notes] if demo else notes, columns)
    for name, table in sheets.items():
        require_uncertainty(table)
        _write_table(book.create_sheet(name[:31]), table, percent_columns)
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


def _write_readme(sheet, notes: Sequence[str], columns: Sequence[str]) -> None:
    for line in notes:
        append_row(sheet, [line])
    sheet.append([])
    described = [c for c in COLUMN_NOTES if c in set(columns)]
    if described:
        append_row(sheet, ["colonne", "signification"])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for column in described:
            append_row(sheet, [column, COLUMN_NOTES[column]])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100


def _write_table(sheet, table: pd.DataFrame, percent_columns: Sequence[str]) -> None:
    append_row(sheet, [str(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.itertuples(index=False):
        append_row(sheet, row)
    for position, column in enumerate(table.columns, start=1):
        letter = get_column_letter(position)
        width = max([len(str(column))] + [len(str(v)) for v in table[column].head(200)])
        sheet.column_dimensions[letter].width = min(max(10, width + 2), 60)
        if column in percent_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = "0.0%"
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

"""Cells as spreadsheets will read them: every CSV and XLSX the observatory writes goes through here.

Formula injection (OWASP « CSV Injection »): a text cell that starts with `=`, `+`, `-`, `@`, a
tab or a carriage return (or the full-width `＝ ＋ － ＠` that some spreadsheets also accept) is
run as a formula when the file is opened, e.g. `=HYPERLINK("http://…")` typed in a « Source » cell
or in an uploaded survey. `neutralise` prefixes such text with an apostrophe, as OWASP recommends,
so that it shows as text; numbers stay numbers (a numeric cell, or a text that is only a number
such as « -5 », is never prefixed). XLSX text cells are also written as strings (`data_type`
"s"), never as formulas, and workbooks are built in memory (no temporary file).

The prefix is reversible where a file comes back: `restore` removes exactly the prefix that
`neutralise` added, so `restore(neutralise(t)) == t` for every text `t`. For that, a text that
already starts with an apostrophe is prefixed too (`'abc` → `''abc`), so an apostrophe typed by
the user is never mistaken for ours.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable

import pandas as pd

PREFIX = "'"
# OWASP's characters, then their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20).
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A text that is only a number (French or English decimal mark): a spreadsheet reads it as that
# number, which is what it is, so it keeps its sign.
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
# Characters XML 1.0 cannot hold (openpyxl refuses them): replaced, never a crash.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """`value` as safe to open: risky text gets the apostrophe prefix; anything else is unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(PREFIX) or (value.startswith(RISKY_STARTS) and not _NUMBER.fullmatch(value)):
        return PREFIX + value
    return value


def restore(text: str) -> str:
    """The text `neutralise` was given: its prefix, and only its, removed."""
    if text.startswith(PREFIX) and neutralise(text[1:]) == text:
        return text[1:]
    return text


def neutralise_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names are neutralised; numeric columns are untouched."""
    out = table.rename(columns=lambda c: neutralise(c) if isinstance(c, str) else c)
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(neutralise)
    return out


def csv_text(table: pd.DataFrame, **options) -> str:
    """`table.to_csv(**options)` with every text cell neutralised (the one CSV writer of exports).

    Lines end with CRLF (RFC 4180): Python's csv module quotes a value holding a line break only
    when that break is part of the line terminator, so a lone CR in a value would otherwise cut
    the row in two in a spreadsheet."""
    return neutralise_frame(table).to_csv(index=False, lineterminator="\r\n", **options)


def xlsx_value(value: object) -> object:
    """A Python value as written in an XLSX cell: numpy scalars unwrapped, missing as empty,
    text neutralised and stripped of characters XML cannot hold."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        return neutralise(_ILLEGAL_XML.sub("\ufffd", value))
    return value


def append_row(sheet, values: Iterable[object]) -> None:
    """Append a row: every text cell neutralised and typed as a string (never a formula, never an
    error code such as « #N/A »), every number written to its last digit."""
    cleaned = [xlsx_value(v) for v in values]
    sheet.append(cleaned)
    for cell, value in zip(sheet[sheet.max_row], cleaned):
        _type(cell, value)


def set_cell(sheet, row: int, column: int, value: object):
    """Write one cell the way `append_row` does; returns the cell."""
    cleaned = xlsx_value(value)
    cell = sheet.cell(row=row, column=column, value=cleaned)
    _type(cell, cleaned)
    return cell


def _type(cell, value: object) -> None:
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, float) and math.isfinite(value) and float(f"{value:.16g}") != value:
        # openpyxl 3.1 writes numbers with 16 significant digits; a float needing 17 (100/3)
        # keeps its shortest exact text, which every spreadsheet reads back as the same float.
        cell._value = repr(value)


DICTIONARY = "Dictionnaire"


def write_dictionary(book, rows: Iterable[tuple[str, str, str, str]]):
    """The « Dictionnaire » sheet: for each column (sheet, French header, code, meaning), so that a
    program finds the codes behind the headers people read. Returns the sheet."""
    sheet = book.create_sheet(DICTIONARY)
    append_row(sheet, ["Feuille", "Colonne", "Code", "Signification"])
    for row in rows:
        append_row(sheet, row)
    for letter, width in zip("ABCD", (14, 40, 22, 100)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def workbook_bytes(book) -> bytes:
    """The workbook as .xlsx bytes, built in memory.

    openpyxl's `Workbook.save` serialises every worksheet through a temporary file in the system
    temp directory (`openpyxl.*`); the worksheet writer accepts a memory buffer instead, so the
    content of a table built from an upload never touches the disk.
    """
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class InMemoryWriter(ExcelWriter):
        def write_worksheet(self, ws) -> None:  # openpyxl 3.1's method, with a BytesIO for `out`
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = WorksheetWriter(ws, out=io.BytesIO())
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], writer.read())
            self.manifest.append(ws)

    book.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)  # as Workbook.save
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        InMemoryWriter(book, archive).save()
    return buffer.getvalue()

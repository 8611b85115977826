"""Read a survey file (CSV, XLSX, SPSS .sav) into a table of strings, without touching the file.

Every reader returns the same `Table`: a DataFrame whose cells are all strings ("" when
missing), indexed by the row number the user sees in their tool (spreadsheet row, header =
row 1; SPSS case number for .sav), plus `Source` information. Typing and checking are the
validation layer's job, so a reader never rejects a value: problems it can only see while
reading (undecodable bytes, ragged lines, repeated column names) are passed on as `ReadIssue`s.
Files that cannot be read at all raise `UserError` with a French message: whatever a parsing
library raises on a damaged or hostile file (zlib, XML, zip, encoding, SPSS errors) is turned into
one, and a workbook whose parts would unzip to more than `MAX_XLSX_EXPANDED` bytes is refused
before it is parsed (zip bombs).

CSV text is parsed by pandas' pyarrow engine (`parse_fast`) when that engine can vouch for giving
the same table as Python's csv module (`parse_careful`, which copes with title and blank lines,
ragged rows and values spanning lines); otherwise by the csv module.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from xml.etree.ElementTree import ParseError
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from observatoire.errors import UserError, echo

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SAV_SUFFIXES = (".sav", ".zsav")
DELIMITERS = (";", ",", "\t")
REPLACEMENT = "\ufffd"
# Every character str.strip() removes (str.isspace): the fast CSV path strips cells the same way.
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
SUPPORTED_FR = "CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252), Excel .xlsx, SPSS .sav"
# A survey workbook of a few hundred thousand rows unzips to a few hundred MB at most.
MAX_XLSX_EXPANDED = 512 * 2**20


@dataclass(frozen=True)
class ReadIssue:
    """A problem seen while reading; validation turns it into a finding with the same code."""

    code: str
    row: int | None
    column: str | None
    value: str | None
    expected: int | None = None  # wrong_field_count: the header's number of columns


@dataclass(frozen=True)
class Source:
    path: Path
    format: str  # "csv", "xlsx" or "sav"
    encoding: str | None = None  # csv: "utf-8", "utf-8-sig", "utf-16", "cp1252" or "utf-8+cp1252"
    delimiter: str | None = None
    sheet: str | None = None
    n_rows: int = 0
    header_row: int | None = 1  # None for .sav (no visible header row)
    issues: tuple[ReadIssue, ...] = field(default=())


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    source: Source


def read_table(path: str | Path, sheet: str | None = None, *, value_labels: Mapping[str, Mapping[str, str]] | None = None, content: bytes | None = None) -> Table:
    """Read `path` by its extension. `sheet` names an XLSX sheet (default: the first one).

    `value_labels` ({column: {code: French label}}) maps SPSS value labels to codebook codes;
    by default it comes from the survey codebook. `content`, when given, is the file's bytes (an
    app upload, read from memory and never written to disk); `path` then only names the file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if content is None and not path.is_file():
        raise UserError(f"Le fichier « {path} » est introuvable.", "Vérifiez le chemin et le nom du fichier (extension comprise).")
    if sheet is not None and suffix not in XLSX_SUFFIXES:
        raise UserError(f"L'option --sheet ne s'applique qu'aux classeurs Excel, pas à « {path.name} ».", "Retirez l'option --sheet.")
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, content)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet, content)
    if suffix in SAV_SUFFIXES:
        return _read_sav(path, value_labels, content)
    hint = "Enregistrez-le depuis votre tableur au format .xlsx ou CSV." if suffix in (".xls", ".ods") else f"Formats acceptés : {SUPPORTED_FR}."
    raise UserError(f"Le format du fichier « {path.name} » n'est pas pris en charge.", hint)


# --- CSV ---------------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read()
    except OSError as err:
        raise UserError(f"Impossible d'ouvrir le fichier « {path} » ({err.strerror}).", "Vérifiez que vous avez le droit de le lire et qu'il n'est pas ouvert ailleurs.") from err


def _read_csv(path: Path, content: bytes | None = None) -> Table:
    data = _read_bytes(path) if content is None else content
    text, encoding, bad_lines = decode_text(data, path)
    delimiter = sniff_delimiter(text)
    parsed = parse_fast(text, delimiter)
    try:
        if parsed is None:
            refuse_shapeless(text, delimiter, path)
        frame, issues, header_row = parsed if parsed is not None else parse_careful(text, delimiter)
    except csv.Error as err:
        raise UserError(f"Le fichier « {path.name} » ne se découpe pas en colonnes : {_csv_problem(err)}.",
                        "Réenregistrez-le au format CSV depuis votre tableur (une ligne par répondant).") from err
    if bad_lines:
        issues += _undecodable_cells(frame, header_row)
    source = Source(path, "csv", encoding, delimiter, None, len(frame), header_row, tuple(issues))
    return Table(frame, source)


def decode_text(data: bytes, path: Path) -> tuple[str, str, tuple[int, ...]]:
    """Decode as UTF-8 (BOM or not), else as cp1252 when no line can be UTF-8, else line by line
    as UTF-8 or cp1252.

    Line by line because files pasted together from two exports mix both encodings. Bytes that
    neither encoding accepts become U+FFFD and their line numbers are returned.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", ()
        except UnicodeDecodeError as err:
            raise _undecodable_error(path, err.start, data) from err
    if b"\x00" in data[:4096]:
        raise UserError(f"Le fichier « {path.name} » n'est pas un fichier texte CSV.", "S'il s'agit d'un classeur Excel renommé, gardez l'extension .xlsx ; sinon réenregistrez-le au format CSV.")
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", ()
    except UnicodeDecodeError:
        pass
    if not _may_hold_utf8(body):  # then every accented line is cp1252: decode them all at once
        try:
            return body.decode("cp1252"), "cp1252", ()
        except UnicodeDecodeError:
            pass
    parts, used, bad = [], set(), []
    for number, line in enumerate(body.splitlines(keepends=True), start=1):
        try:
            decoded = line.decode("utf-8")
            used.add("utf-8" if not decoded.isascii() else "ascii")
        except UnicodeDecodeError:
            decoded = line.decode("cp1252", errors="replace")
            used.add("cp1252")
            if REPLACEMENT in decoded:
                bad.append(number)
        parts.append(decoded)
    return "".join(parts), "utf-8+cp1252" if "utf-8" in used else "cp1252", tuple(bad)


def _may_hold_utf8(body: bytes) -> bool:
    """Whether some line could be accented UTF-8: a lead byte (C2-F4) followed by a continuation
    byte (80-BF) is the least any non-ASCII UTF-8 text holds."""
    raw = np.frombuffer(body, dtype=np.uint8)
    leads = np.flatnonzero(raw[:-1] >= 0xC2)
    return bool(((raw[leads] <= 0xF4) & (raw[leads + 1] & 0xC0 == 0x80)).any())


def _undecodable_error(path: Path, position: int, data: bytes) -> UserError:
    line = data[:position].count(b"\n") + 1
    return UserError(f"Le fichier « {path.name} » contient des caractères illisibles (octet {position}, ligne {line}).", "Réenregistrez-le en « CSV UTF-8 » depuis votre tableur.")


def sniff_delimiter(text: str) -> str:
    """The separator of the header line: the most frequent of `;`, `,` and tab outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", _first_filled_line(text))
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_filled_line(text: str) -> str:
    """The first line holding more than blanks, found in a growing prefix: a large file is not
    split into lines just for its header."""
    size = 1 << 16
    while True:
        lines = text[:size].splitlines()
        whole = size >= len(text)
        line = next((line for line in (lines if whole else lines[:-1]) if line.strip()), None)  # a cut last line may go on
        if line is not None or whole:
            return line or ""
        size *= 4


def _undecodable_cells(frame: pd.DataFrame, header_row: int) -> list[ReadIssue]:
    issues = [ReadIssue("undecodable_text", header_row, name, name) for name in frame.columns if REPLACEMENT in name]
    for name in frame.columns:
        hits = frame[name][frame[name].str.contains(REPLACEMENT, regex=False)]
        issues.extend(ReadIssue("undecodable_text", int(row), name, value) for row, value in hits.items())
    return issues


def parse_careful(text: str, delimiter: str) -> tuple[pd.DataFrame, list[ReadIssue], int]:
    """CSV `text` as a table of strings, its issues and header row, with Python's csv module:
    copes with every file (title and blank lines, ragged rows, values spanning lines); `csv.Error`
    only for a value longer than the csv module accepts (128 Ko)."""
    return _frame_from_rows(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1))


SHAPE_SAMPLE = 2000  # lines read to tell a table from text that is not one
SHAPE_MIN_ROWS = 200


def refuse_shapeless(text: str, delimiter: str, path: Path) -> None:
    """Refuse at once text that is no table: when most of the first lines do not have the
    header's number of columns, a line-by-line report would only list that, at great cost (a
    45 MB junk file holds a million such lines)."""
    records = (cells for cells in csv.reader(io.StringIO(text[: SHAPE_SAMPLE * 4096], newline=""), delimiter=delimiter)
               if any(cell.strip() for cell in cells))
    sample = [cells for _, cells in zip(range(SHAPE_SAMPLE), records)]
    start = next((i for i, cells in enumerate(sample) if sum(bool(cell.strip()) for cell in cells) > 1), 0)
    if len(sample) - start - 1 < SHAPE_MIN_ROWS:
        return
    width = len(sample[start])
    ragged = sum(len(cells) < width or any(cell.strip() for cell in cells[width:]) for cells in sample[start + 1:])
    if ragged * 2 > len(sample) - start - 1:
        raise UserError(f"Le fichier « {echo(path.name)} » n'a pas la forme d'un tableau : {ragged} des "
                        f"{len(sample) - start - 1} premières lignes n'ont pas les {width} colonnes de la ligne d'en-tête.",
                        "Vérifiez qu'il s'agit bien du fichier d'enquête, exporté en CSV depuis votre tableur "
                        "(une ligne par répondant, une colonne par question, même séparateur partout).")


def _csv_problem(err: csv.Error) -> str:
    if "field larger than field limit" in str(err):
        return f"une valeur dépasse {csv.field_size_limit():,} caractères".replace(",", "\u00a0")
    return f"texte CSV mal formé ({echo(err)})"


def parse_fast(text: str, delimiter: str) -> tuple[pd.DataFrame, list[ReadIssue], int] | None:
    """What `parse_careful` gives, from pandas' pyarrow parser; None when only the careful path
    can tell: NUL bytes, title or blank lines above the header, ragged rows (pyarrow rejects
    them), values spanning lines, or no data row."""
    if "\x00" in text:
        return None
    try:
        raw = pd.read_csv(io.BytesIO(text.encode()), sep=delimiter, header=None, dtype=str, keep_default_na=False, skip_blank_lines=False, engine="pyarrow")
    except (ImportError, ValueError):  # no pyarrow; pandas' ParserError is a ValueError
        return None
    quoted = '"' in text
    if quoted and len(raw) != _line_count(text):
        return None
    _strip_cells(raw, text, delimiter, quoted)
    header = raw.iloc[0].tolist()
    filled = _filled_rows(raw)
    if sum(map(bool, header)) < 2 or not filled.any():
        return None
    body = raw.iloc[1:] if filled[1:].all() else raw[filled]  # no copy without blank rows
    keep, names, issues = _columns(header, 1, lambda i: body[i].ne("").any())
    frame = body[keep].set_axis(names, axis=1).set_axis(pd.Index(np.flatnonzero(filled) + 1, name="row"), axis=0)
    return frame, issues, 1


def _filled_rows(raw: pd.DataFrame) -> np.ndarray:
    """Data rows holding a value (the header, row 0, excluded); only a row whose first cell is
    empty can be blank, so the other columns are looked at only when there is one."""
    blank = raw[0].eq("").to_numpy()
    if blank.any():
        blank = raw.eq("").all(axis=1).to_numpy()
    filled = ~blank
    filled[0] = False
    return filled


def _line_count(text: str) -> int:
    """Lines ended by \\n, \\r or \\r\\n, the last one with or without its end."""
    ends = text.count("\n")
    if "\r" in text:
        ends += text.count("\r") - text.count("\r\n")
    return ends + (not text.endswith(("\n", "\r")))


def _strip_cells(raw: pd.DataFrame, text: str, delimiter: str, quoted: bool) -> None:
    """Strip cells as str.strip() does, in place, unless the text holds no blank that can pad a
    value (line ends and a tab separator can pad one only inside quotes)."""
    if any(c in text for c in WHITESPACE if quoted or c not in ("\n", "\r", delimiter)):
        for name in raw.columns:
            raw[name] = raw[name].str.strip(WHITESPACE)


# --- shared row handling ----------------------------------------------------------------------


def _frame_from_rows(rows: Iterable[tuple[int, list[str]]]) -> tuple[pd.DataFrame, list[ReadIssue], int]:
    """Header = first row with two filled cells or more (title lines above it are skipped);
    blank rows are skipped but keep their numbers.

    Returns the frame, the issues and the header's row number.
    """
    rows = ((number, [cell.strip() for cell in cells]) for number, cells in rows)
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        return pd.DataFrame(), [], 1
    start = next((i for i, (_, cells) in enumerate(rows) if sum(map(bool, cells)) > 1), 0)
    (header_row, raw_header), body = rows[start], rows[start + 1 :]
    keep, columns, issues = _columns(raw_header, header_row, lambda i: any(i < len(cells) and cells[i] for _, cells in body))
    width = len(raw_header)
    values, index = [], []
    for number, cells in body:
        if len(cells) < width or any(cells[width:]):
            issues.append(ReadIssue("wrong_field_count", number, None, str(len(cells)), width))
        cells = cells + [""] * (width - len(cells))
        values.append([cells[i] for i in keep])
        index.append(number)
    frame = pd.DataFrame(values, columns=columns, index=pd.Index(index, name="row"), dtype=str)
    return frame, issues, header_row


def _columns(raw_header: list[str], header_row: int, filled: Callable[[int], bool]) -> tuple[list[int], list[str], list[ReadIssue]]:
    """The columns kept (named, or unnamed with a value below: "(colonne 3)"), their unique names
    and the repeated-name issues."""
    keep = [i for i, name in enumerate(raw_header) if name or filled(i)]
    names, issues = _unique_names([raw_header[i] or f"(colonne {i + 1})" for i in keep], header_row)
    return keep, names, issues


def _unique_names(header: list[str], header_row: int) -> tuple[list[str], list[ReadIssue]]:
    seen: dict[str, int] = {}
    names, issues = [], []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            issues.append(ReadIssue("duplicate_column", header_row, name, name))
            name = f"{name} ({seen[name]})"
        names.append(name)
    return names, issues


def cell_text(value: object) -> str:
    """One spreadsheet or SPSS cell as text: integral numbers without ".0", dates in ISO form."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


# --- XLSX -------------------------------------------------------------------------------------


# What openpyxl, zipfile, zlib and the XML parser raise on a damaged or hostile workbook (junk
# [Content_Types].xml, corrupt deflate data, malformed sheet XML, missing parts…), while loading
# or, in read-only mode, while rows are parsed.
XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, ParseError, KeyError, ValueError, TypeError, AttributeError,
               IndexError, EOFError, OSError, UnicodeError)


@contextlib.contextmanager
def xlsx_errors(name: str, hint: str) -> Iterator[None]:
    """Library errors raised inside the block become one French `UserError` naming the file."""
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        yield
    except (*XLSX_ERRORS, InvalidFileException) as err:
        raise UserError(f"Le classeur Excel « {echo(name)} » est illisible ou endommagé.", hint) from err


def open_xlsx(source: Path | io.BytesIO, name: str, max_expanded: int, *, read_only: bool, data_only: bool):
    """Load a workbook with openpyxl once its parts are known to unzip to at most `max_expanded`
    bytes (zipfile never inflates a part beyond its declared size). Call inside `xlsx_errors`."""
    import openpyxl  # imported here: only XLSX users pay for it

    with zipfile.ZipFile(source) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    if expanded > max_expanded:
        raise UserError(f"Le classeur Excel « {echo(name)} » occuperait {expanded // 2**20} Mo une fois décompressé "
                        f"(au plus {max_expanded // 2**20} Mo).",
                        "Enregistrez les données seules (sans images ni feuilles inutiles), ou exportez-les en CSV.")
    return openpyxl.load_workbook(source, read_only=read_only, data_only=data_only)


def _read_xlsx(path: Path, sheet: str | None, content: bytes | None = None) -> Table:
    with xlsx_errors(path.name, "Ouvrez-le dans votre tableur et réenregistrez-le au format .xlsx, ou exportez-le en CSV."):
        workbook = open_xlsx(path if content is None else io.BytesIO(content), path.name, MAX_XLSX_EXPANDED, read_only=True, data_only=True)
        try:
            names = workbook.sheetnames
            if sheet is not None and sheet not in names:
                listed = ", ".join(f"« {echo(name)} »" for name in names)
                raise UserError(f"La feuille « {echo(sheet)} » n'existe pas dans « {path.name} ».", f"Feuilles disponibles : {listed}.")
            worksheet = workbook[sheet if sheet is not None else names[0]]
            worksheet.reset_dimensions()  # stale <dimension> tags would otherwise truncate the sheet
            rows = ((number, [cell_text(v) for v in values]) for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1))
            frame, issues, header_row = _frame_from_rows(rows)
        finally:
            workbook.close()
    return Table(frame, Source(path, "xlsx", None, None, worksheet.title, len(frame), header_row, tuple(issues)))


# --- SPSS .sav --------------------------------------------------------------------------------


def _read_sav(path: Path, value_labels: Mapping[str, Mapping[str, str]] | None, content: bytes | None = None) -> Table:
    import pyreadstat  # imported here: only SPSS users pay for it

    try:
        raw, meta = pyreadstat.read_sav(str(path) if content is None else io.BytesIO(content), apply_value_formats=False, user_missing=False)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError, ValueError, UnicodeError, OverflowError) as err:
        raise UserError(f"Le fichier SPSS « {path.name} » est illisible ou endommagé.", "Réenregistrez-le depuis SPSS ou PSPP, ou exportez-le en CSV.") from err
    value_labels = value_labels or {}
    columns = {}
    for name in raw.columns:
        text = raw[name].map(cell_text)
        labels = meta.variable_value_labels.get(name)
        if labels and name in value_labels:
            mapping = {cell_text(value): _code_for(cell_text(value), label, value_labels[name]) for value, label in labels.items()}
            text = text.map(lambda v, m=mapping: m.get(v, v))
        columns[name] = text.astype(str).to_numpy()
    # Rows are SPSS case numbers: what an SPSS user sees in the Data View.
    frame = pd.DataFrame(columns, index=pd.RangeIndex(1, len(raw) + 1, name="row"), columns=list(raw.columns))
    return Table(frame, Source(path, "sav", meta.file_encoding, None, None, len(frame), None))


def normalise_label(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used to match labels to codes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9+]+", " ", ascii_text).strip()


def _code_for(value: str, label: str, codes: Mapping[str, str]) -> str:
    """A value label equal to a code or to a code's French label gives that code; else the
    value itself when it already is a code; else the label, so findings show the user's words."""
    by_label = {normalise_label(str(code)): str(code) for code in codes}
    by_label.update({normalise_label(str(text)): str(code) for code, text in codes.items()})
    found = by_label.get(normalise_label(str(label)))
    if found is not None:
        return found
    return value if value in {str(code) for code in codes} else str(label).strip()

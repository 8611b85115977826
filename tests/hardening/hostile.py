"""Builders of hostile files for the hardening suite: everything is made here, in the tests.

- `template_files(tmp)`: a small catalogue, a values file and the input workbook exported from
  them (the workbook a service fills in);
  (filled by `template_filling.fill`, shared with tests/indicators);
- `rewrite_parts(xlsx, parts)`: a workbook whose zip parts are replaced (junk XML…);
- `corrupt_deflate(xlsx, part)`: a workbook whose part holds an invalid deflate stream;
- `huge_string_xlsx(path, rows, huge_at, size)`: a minimal workbook written part by part, with one
  shared string of `size` characters (streamed: the test process never holds it twice).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pandas as pd
import yaml

from observatoire.cli import main
from observatoire.indicators.catalog import Catalog, Indicator
from observatoire.indicators.values import write_values

TERRITORY = "243300316"  # the example territory's code (observatoire.yaml `code`)


def indicator(**overrides) -> Indicator:
    fields = {
        "id": "TST01", "theme": "t", "title": "Part de test", "definition": "Définition de test",
        "unit": "% des habitants", "unit_short": "%", "decimals": 1, "direction": "increase",
        "baseline": {"year": 2020}, "target": 60.0, "target_year": 2026, "owner": "Service test",
        "source": {"type": "file", "detail": "fichier de test"}, "status": "illustrative", "status_note": "test",
    }
    fields.update(overrides)
    return Indicator.model_validate(fields)


CATALOG = Catalog.model_validate({"version": 1, "horizon": 2026, "themes": {"t": "Thème de test"}, "indicators": [
    indicator().model_dump(),
    indicator(id="TST02", title="Lieux de test", unit="lieux", unit_short="lieux", target=30.0).model_dump(),
]})


def row(indicator_id: str, year: int, value: float, source: str = "test", **extra) -> dict:
    out = {"indicator": indicator_id, "year": year, "geo_level": "territory", "geo_code": TERRITORY, "breakdown": "",
           "value": value, "ci_low": None, "ci_high": None, "n_unweighted": None, "source": source, "status": "final"}
    out.update(extra)
    return out


def template_files(tmp: Path, values: list[dict] | None = None) -> dict[str, Path]:
    catalog = tmp / "indicators.yaml"
    catalog.write_text(yaml.safe_dump(CATALOG.model_dump(mode="json"), allow_unicode=True), encoding="utf-8")
    values_path = tmp / "values.csv"
    write_values(pd.DataFrame(values if values is not None else [row("TST01", 2021, 40.0), row("TST02", 2021, 12.0)]),
                 values_path)
    template = tmp / "saisie.xlsx"
    assert main(["template", "--out", str(template), "--catalog", str(catalog), "--values", str(values_path)]) == 0
    return {"catalog": catalog, "values": values_path, "template": template, "dir": tmp}


def import_args(files: dict[str, Path], workbook: Path, *extra: str) -> list[str]:
    return ["import", str(workbook), "--catalog", str(files["catalog"]), "--values", str(files["values"]), *extra]


def rewrite_parts(xlsx: Path, out: Path, parts: dict[str, bytes]) -> Path:
    """`xlsx` with the named zip parts replaced by `parts` (others copied as they are)."""
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, parts.get(info.filename, source.read(info.filename)))
    return out


def corrupt_deflate(xlsx: Path, out: Path, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """`xlsx` whose `part` keeps its zip entry (name, sizes, CRC) but holds a deflate stream that
    starts with a reserved block type: inflating it raises zlib.error."""
    data = bytearray(xlsx.read_bytes())
    with zipfile.ZipFile(xlsx) as archive:
        info = archive.getinfo(part)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26: info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    data[start: start + info.compress_size] = b"\xff" * info.compress_size
    out.write_bytes(bytes(data))
    return out


def plain_workbook(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    for values in rows:
        wb.active.append(values)
    wb.save(path)
    return path


_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  b'<Default Extension="xml" ContentType="application/xml"/>'
                  b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                  b"</Types>")
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         b"</Relationships>")
_WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                  b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                  b"</Relationships>")


def _workbook_xml(sheet: str) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/>'.encode() + b"</sheets></workbook>")


def huge_string_xlsx(path: Path, rows: list[list[str]], huge_at: tuple[int, int], size: int, sheet: str = "Feuil1") -> Path:
    """A workbook of text cells (shared strings) whose cell `huge_at` (row, column, from 0) holds
    `size` × "A"; written chunk by chunk."""
    from openpyxl.utils import get_column_letter

    strings: list[str] = []
    cells = []
    for r, values in enumerate(rows):
        refs = []
        for c, value in enumerate(values):
            index = len(strings)
            strings.append("" if (r, c) == huge_at else value)
            refs.append(f'<c r="{get_column_letter(c + 1)}{r + 1}" t="s"><v>{index}</v></c>')
        cells.append(f'<row r="{r + 1}">{"".join(refs)}</row>')
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 f'<sheetData>{"".join(cells)}</sheetData></worksheet>').encode()
    flat = [(r, c) for r, values in enumerate(rows) for c in range(len(values))]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml(sheet))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for where, text in zip(flat, strings):
                if where == huge_at:
                    out.write(b"<si><t>")
                    chunk = b"A" * 2**20
                    for _ in range(size // len(chunk)):
                        out.write(chunk)
                    out.write(b"A" * (size % len(chunk)))
                    out.write(b"</t></si>")
                else:
                    out.write(f"<si><t>{escape(text)}</t></si>".encode())
            out.write(b"</sst>")
    return path

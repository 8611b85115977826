"""Filling the indicator input workbook as a service would (tests of import and hardening)."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def fill(template: Path, path: Path, rows: list[list], edits: dict | None = None, hidden: tuple[int, ...] = ()) -> Path:
    wb = openpyxl.load_workbook(template)
    ws = wb["Valeurs"]
    for values in rows:
        ws.append(values)
    for cell, value in (edits or {}).items():
        ws[cell] = value
    for number in hidden:
        ws.row_dimensions[number].hidden = True
    wb.save(path)
    return path

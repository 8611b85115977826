"""Read an operational inventory (CSV or XLSX) into typed columns, with French errors by line."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from observatoire.errors import UserError, echo
from observatoire.readers import read_table


def integer(text: str) -> int:
    return int(text)


def optional_integer(text: str) -> int | None:
    return None if text == "" else int(text)


def text_value(text: str) -> str:
    if text == "":
        raise ValueError
    return text


def one_of(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError
        return text
    parse.expected = ", ".join(allowed)  # type: ignore[attr-defined]
    return parse


def read_columns(path: Path | str, columns) -> tuple[pd.DataFrame, str]:
    """The file as text cells indexed by the line the user sees; missing columns are an error."""
    frame, name = read_table(path).frame, Path(path).name
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UserError(f"{name} : colonne(s) absente(s) : {', '.join(missing)}.",
                        f"Colonnes attendues : {', '.join(columns)} (voir le README).")
    return frame, name


def read_inventory(path: Path | str, columns: Mapping[str, Callable[[str], object]]) -> pd.DataFrame:
    """Parse every column with its parser; all bad cells are reported together."""
    frame, name = read_columns(path, columns)
    problems, records = [], []
    for line, row in frame.iterrows():
        record = {}
        for col, parse in columns.items():
            try:
                record[col] = parse(row[col].strip())
            except ValueError:
                expected = getattr(parse, "expected", None)
                suffix = f" (attendu : {expected})" if expected else ""
                problems.append(f"ligne {line}, colonne {col} : « {echo(row[col])} » invalide{suffix}")
        records.append(record)
    if problems:
        raise UserError(f"{name} : {len(problems)} problème(s) :\n" + "\n".join(f"- {p}" for p in problems[:20]),
                        "Corrigez l'inventaire ; son format est décrit dans le README.")
    return pd.DataFrame(records, columns=list(columns))

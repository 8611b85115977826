"""The values of every indicator, in one long table (one row per indicator x year x area x breakdown).

Columns, always in this order (`VALUE_COLUMNS`):
    indicator     catalogue id (INC01…)
    year          integer year of the value
    geo_level     territory | commune | iris
    geo_code      the territory's code (observatoire.yaml), INSEE code of the commune, or IRIS code
    breakdown     "" for the headline value, else "variable=modalité" (e.g. age_band=75+)
    value         number, in the catalogue's unit: shares are PERCENTAGES (12.5 means 12,5 %)
    ci_low, ci_high  95 % confidence bounds (survey estimates), empty otherwise
    n_unweighted  respondents behind a survey estimate, empty otherwise
    source        where the value comes from (file, survey wave, inventory…)
    status        provisional | final
The key of a row is (indicator, year, geo_level, geo_code, breakdown).

Numbers are written at full precision (the shortest text that reads back as the same float), so
a value survives any number of round trips; `observatoire.indicators.store` writes the file and
its history together, under a lock.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from observatoire.errors import UserError, echo
from observatoire.indicators import store
from observatoire.indicators.catalog import Catalog
from observatoire.indicators.inventory import read_columns

VALUE_COLUMNS = ("indicator", "year", "geo_level", "geo_code", "breakdown", "value", "ci_low", "ci_high",
                 "n_unweighted", "source", "status")
KEY_COLUMNS = ("indicator", "year", "geo_level", "geo_code", "breakdown")
NUMERIC_COLUMNS = ("value", "ci_low", "ci_high")
VALUE_STATUSES = ("provisional", "final")
GEO_LEVELS = ("territory", "commune", "iris")
TERRITORY_LEVEL = GEO_LEVELS[0]  # the whole territory, coded with observatoire.yaml's `code`


def empty_values() -> pd.DataFrame:
    return normalise(pd.DataFrame(columns=list(VALUE_COLUMNS)))


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Column order, dtypes and row order of the long table (rows sorted by key)."""
    out = frame.reindex(columns=list(VALUE_COLUMNS)).copy()
    for col in ("indicator", "geo_level", "geo_code", "breakdown", "source", "status"):
        out[col] = out[col].fillna("").astype(str)
    out["year"] = out["year"].astype("int64")
    for col in NUMERIC_COLUMNS:
        out[col] = pd.to_numeric(out[col]).astype("float64")
    out["n_unweighted"] = pd.to_numeric(out["n_unweighted"]).astype("Int64")
    return out.sort_values(list(KEY_COLUMNS), kind="stable").reset_index(drop=True)


def parse_number(text: str) -> float | None:
    """'12.5' or '12,5' -> 12.5; '' -> None; anything else raises ValueError."""
    text = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text == "":
        return None
    number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def read_values(path: Path | str, catalog: Catalog | None = None) -> pd.DataFrame:
    """Read and check a values file (CSV `,` or `;`, UTF-8 or cp1252, or XLSX with the same columns).

    Every problem is collected and reported at once, with the line and column the user sees.
    """
    frame, name = read_columns(path, VALUE_COLUMNS)
    problems: list[str] = []
    records = []
    for line, row in frame.iterrows():
        record, row_problems = _parse_row(row, catalog)
        problems.extend(f"ligne {line}, {p}" for p in row_problems)
        records.append(record)
    values = normalise(pd.DataFrame(records, columns=list(VALUE_COLUMNS))) if not problems else None
    if values is not None:
        dupes = values[values.duplicated(list(KEY_COLUMNS), keep=False)]
        problems.extend(f"valeur en double pour {r.indicator} {r.year} ({r.geo_level} {r.geo_code} {r.breakdown})"
                        for r in dupes.drop_duplicates(list(KEY_COLUMNS)).itertuples())
    if problems:
        shown = problems[:20] + ([f"… et {len(problems) - 20} autre(s)"] if len(problems) > 20 else [])
        raise UserError(f"{name} : {len(problems)} problème(s) :\n" + "\n".join(f"- {p}" for p in shown),
                        "Corrigez le fichier ; le format de la table des valeurs est décrit dans le README.")
    return values


def _parse_row(row: pd.Series, catalog: Catalog | None) -> tuple[dict, list[str]]:
    problems, record = [], {c: row[c] for c in VALUE_COLUMNS}
    if catalog is not None and row["indicator"] not in catalog.ids:
        problems.append(f"colonne indicator : « {echo(row['indicator'])} » n'est pas un indicateur du catalogue")
    try:
        record["year"] = int(row["year"])
    except ValueError:
        problems.append(f"colonne year : « {echo(row['year'])} » n'est pas une année")
    for col in (*NUMERIC_COLUMNS, "n_unweighted"):
        try:
            record[col] = parse_number(row[col])
        except ValueError:
            problems.append(f"colonne {col} : « {echo(row[col])} » n'est pas un nombre")
    if record["value"] is None and not any(p.startswith("colonne value") for p in problems):
        problems.append("colonne value : valeur vide")
    if row["geo_level"] not in GEO_LEVELS:
        problems.append(f"colonne geo_level : « {echo(row['geo_level'])} » (attendu : {', '.join(GEO_LEVELS)})")
    if row["status"] not in VALUE_STATUSES:
        problems.append(f"colonne status : « {echo(row['status'])} » (attendu : {', '.join(VALUE_STATUSES)})")
    return record, problems


def load_values(path: Path | str, catalog: Catalog | None = None) -> pd.DataFrame:
    """A territory's values table (an absent file is an empty table: nothing imported yet); a commit
    that a killed import left half done is finished first."""
    store.settle(path)
    if not Path(path).exists():
        return empty_values()
    return read_values(path, catalog)


def full_precision(number: float) -> str:
    """The shortest text that reads back as the same float (`33.333333333333336`, `40`)."""
    text = repr(float(number))
    return text[:-2] if text.endswith(".0") else text


def values_csv(values: pd.DataFrame) -> str:
    """Canonical CSV text of the long table (UTF-8, `,`, `.` decimals, full precision, sorted):
    stable diffs, and every value reads back exactly."""
    return normalise(values).to_csv(index=False, lineterminator="\n", float_format=full_precision)


def write_values(values: pd.DataFrame, path: Path | str) -> None:
    store.write_atomic(path, values_csv(values))


def merge_values(*parts: pd.DataFrame) -> pd.DataFrame:
    """Concatenate value tables; for a repeated key the later part wins."""
    frames = [p for p in parts if not p.empty]
    if not frames:
        return empty_values()
    merged = pd.concat(frames, ignore_index=True)
    merged = merged.drop_duplicates(list(KEY_COLUMNS), keep="last")
    return normalise(merged)

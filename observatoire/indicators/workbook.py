"""Excel round trip for the services: template, checked import, merge with history.

`write_template` writes a workbook (French headers, an instructions sheet, drop-down lists of
indicator ids, years, levels and statuses, the values known so far, and a « Dictionnaire » of the
columns' codes: the import reads either the French header or the code). `read_workbook`
checks every cell and reports every problem with its sheet and cell, then `plan_changes` lists
what would change and `apply_import` writes the merged values and the history in one
transaction (`observatoire.indicators.store`). The input workbook is never saved.

Text written in the template is neutralised against formula injection (`observatoire.sheets`)
and restored exactly on import, so a « Source » such as `=HYPERLINK(…)` comes back as typed. The
import refuses what a service would regret: values outside their unit's bounds, years outside
the catalogue's period, codes outside the territory, repeated columns, hidden rows and
formulas without a computed value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from observatoire.errors import UserError, echo
from observatoire.formatting import fmt_number
from observatoire.indicators import store
from observatoire.indicators.catalog import Catalog, Indicator
from observatoire.indicators.values import (
    GEO_LEVELS,
    KEY_COLUMNS,
    TERRITORY_LEVEL,
    VALUE_COLUMNS,
    empty_values,
    full_precision,
    merge_values,
    normalise,
    parse_number,
    read_values,
    values_csv,
)
from observatoire.readers import open_xlsx, xlsx_errors
from observatoire.sheets import append_row, restore, set_cell, workbook_bytes, write_dictionary

VALUES_SHEET = "Valeurs"
INSTRUCTIONS_SHEET = "Instructions"
INDICATORS_SHEET = "Indicateurs"
LISTS_SHEET = "Listes"
# English column of the long table -> French header in the workbook (column order = sheet order)
HEADERS = {
    "indicator": "Indicateur", "year": "Année", "geo_level": "Niveau géographique",
    "geo_code": "Code géographique", "breakdown": "Ventilation", "value": "Valeur",
    "ci_low": "IC bas", "ci_high": "IC haut", "n_unweighted": "Effectif non pondéré",
    "source": "Source", "status": "Statut",
}
# What each column holds (the « Dictionnaire » sheet, beside the code a program may use as header).
MEANINGS = {
    "indicator": "identifiant de l'indicateur (intitulés : feuille « Indicateurs »)",
    "year": "année de la valeur",
    "geo_level": "territory (le territoire entier), commune ou iris",
    "geo_code": "code du territoire, code Insee de la commune ou code IRIS",
    "breakdown": "ventilation (vide pour la valeur d'ensemble)",
    "value": "valeur dans l'unité de l'indicateur (une part en pourcentage : 45 pour 45 %)",
    "ci_low": "borne basse de l'intervalle de confiance, s'il y en a un",
    "ci_high": "borne haute de l'intervalle de confiance, s'il y en a un",
    "n_unweighted": "nombre de répondants, pour une valeur issue d'une enquête",
    "source": "fichier ou système d'où vient la valeur",
    "status": "provisoire ou définitive",
}
STATUS_FR = {"provisional": "provisoire", "final": "définitive"}
STATUS_FROM_FR = {"provisoire": "provisional", "définitive": "final", "definitive": "final",
                  "définitif": "final", "definitif": "final", "provisional": "provisional", "final": "final"}
MAX_ROWS = 2000  # rows covered by the drop-down lists
HISTORY_COLUMNS = ("changed_at", "source_file", "source_sha256", "change", *KEY_COLUMNS, "previous_value",
                   "new_value", "previous_status", "new_status", "previous_source", "new_source")
COMPARED = ("value", "ci_low", "ci_high", "n_unweighted", "source", "status")
MAX_TEXT = 500  # characters of a text cell (a source, a code): more is a paste gone wrong
SHOWN_DECIMALS = 4  # decimals of a value in the import's summary: smaller differences are no change
# A template is a few hundred KB; a larger workbook (once unzipped) is refused before it is parsed.
MAX_WORKBOOK_BYTES = 128 * 2**20
INSTRUCTIONS = [
    "Classeur de saisie des indicateurs de l'observatoire",
    "",
    "1. Saisissez une ligne par valeur dans la feuille « Valeurs » : indicateur, année, valeur.",
    "2. Choisissez l'indicateur et l'année dans les listes déroulantes (feuille « Indicateurs » pour les intitulés).",
    "3. Valeur : un nombre, dans l'unité de l'indicateur. Les parts sont en pourcentage : saisissez 45 pour 45 %,",
    "   sans le signe % et sans format de cellule « pourcentage ». Virgule ou point décimal acceptés.",
    "4. Niveau géographique : territory (le territoire entier, par défaut), commune ou iris ; code : "
    "{territory_code} pour le territoire, code Insee de la commune ou code IRIS.",
    "5. Ventilation : laisser vide pour la valeur d'ensemble.",
    "6. Statut : provisoire ou définitive. Source : le fichier ou le système d'où vient la valeur.",
    "7. Les lignes existantes peuvent être corrigées : l'ancienne valeur est conservée dans l'historique.",
    "   Supprimer une ligne du classeur ne supprime pas la valeur déjà enregistrée.",
    "8. Seuls les indicateurs alimentés par fichier se saisissent ici ; ceux issus de l'enquête ou d'un",
    "   inventaire sont calculés par l'observatoire.",
    "",
    "Import : observatoire import CLASSEUR.xlsx --dry-run (pour voir les changements), puis sans --dry-run.",
]


def _file_indicators(catalog: Catalog) -> list[Indicator]:
    return [ind for ind in catalog.indicators if ind.source.type == "file"]


def write_template(path: Path | str | BinaryIO, catalog: Catalog, values: pd.DataFrame,
                   territory_code: str) -> Path | BinaryIO:
    """Write the input workbook (overwrites `path`; the caller checks it first). `path` may be
    a binary file object (the app's download button: nothing written to disk)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path) if isinstance(path, (str, Path)) else path
    wb = Workbook()
    info = wb.active
    info.title = INSTRUCTIONS_SHEET
    for line in INSTRUCTIONS:
        append_row(info, [line.format(territory_code=territory_code)])
    info["A1"].font = Font(bold=True)
    info.column_dimensions["A"].width = 110

    sheet = wb.create_sheet(VALUES_SHEET)
    append_row(sheet, list(HEADERS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    file_ids = {ind.id for ind in _file_indicators(catalog)}
    known = normalise(values)
    for row in known[known["indicator"].isin(file_ids)].itertuples(index=False):
        append_row(sheet, [getattr(row, col) if col != "status" else STATUS_FR[row.status] for col in HEADERS])
    for i, width in enumerate((11, 8, 20, 18, 14, 12, 10, 10, 20, 40, 12), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"

    ref = wb.create_sheet(INDICATORS_SHEET)
    append_row(ref, ["Indicateur", "Intitulé", "Unité", "Sens souhaité", "Cible", "Année cible", "Service", "Source"])
    for ind in catalog.indicators:
        append_row(ref, [ind.id, ind.title, ind.unit, ind.direction, ind.target, ind.target_year, ind.owner,
                         ind.source.type])

    lists = wb.create_sheet(LISTS_SHEET)
    columns = (sorted(file_ids), list(catalog.years), list(GEO_LEVELS), list(STATUS_FR.values()))
    for col, items in enumerate(columns, start=1):
        for row, item in enumerate(items, start=1):
            set_cell(lists, row, col, item)
    lists.sheet_state = "hidden"
    write_dictionary(wb, [(VALUES_SHEET, title, field, MEANINGS[field]) for field, title in HEADERS.items()])
    letters = {name: get_column_letter(i) for i, name in enumerate(HEADERS, start=1)}
    for list_col, (field, items) in enumerate(zip(("indicator", "year", "geo_level", "status"), columns, strict=True), 1):
        source = f"{LISTS_SHEET}!${get_column_letter(list_col)}$1:${get_column_letter(list_col)}${len(items)}"
        validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=True,
                                    errorTitle="Valeur non prévue", error="Choisissez une valeur dans la liste.")
        validation.add(f"{letters[field]}2:{letters[field]}{MAX_ROWS}")
        sheet.add_data_validation(validation)
    wb.active = 1
    content = workbook_bytes(wb)
    if isinstance(path, Path):
        path.write_bytes(content)
    else:
        path.write(content)
    return path


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        return f"Feuille {self.sheet}, cellule {self.cell} : {self.message}"


def fmt_plain(value) -> str:
    """A number as typed, in French: `12.5` -> `12,5`, `140.0` -> `140`; missing -> `–`."""
    if value is None or pd.isna(value):
        return "–"
    text = fmt_number(value, SHOWN_DECIMALS)
    return text.rstrip("0").rstrip(",") if "," in text else text


class _RowReader:
    """Parse one sheet row, collecting problems with their cell coordinates."""

    def __init__(self, cells: dict, row: int, problems: list[CellProblem], formulas: Collection[str] = ()):
        self.cells, self.row, self.problems, self.formulas = cells, row, problems, formulas

    def _where(self, field: str) -> str:
        return f"{self.cells[field].column_letter}{self.row}"

    def raw(self, field: str):
        """The cell's value; text stripped and freed of the template's formula-safety prefix."""
        value = self.cells[field].value
        if value is None and self._where(field) in self.formulas:
            self.problem(field, "formule sans valeur calculée — collez la valeur (copier, puis « collage spécial : "
                                "valeurs ») ou ouvrez et enregistrez le classeur dans votre tableur")
            return _FORMULA
        return restore(value.strip()) if isinstance(value, str) else value

    def problem(self, field: str, message: str) -> None:
        self.problems.append(CellProblem(VALUES_SHEET, self._where(field), message))

    def text(self, field: str, default: str = "") -> str:
        value = self.raw(field)
        if value is _FORMULA:
            return ""
        if value in (None, ""):
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        if len(text) > MAX_TEXT and field not in ("indicator", "geo_level", "status"):  # those name it back
            self.problem(field, f"texte de {fmt_number(len(text))} caractères ({MAX_TEXT} au plus) : « {echo(text)} »")
            return ""
        return text

    def number(self, field: str, required: bool = False, integer: bool = False) -> float | int | None:
        value = self.raw(field)
        if value is _FORMULA:
            return None
        if value in (None, ""):
            if required:
                self.problem(field, "valeur obligatoire manquante")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.problem(field, f"« {echo(value)} » n'est pas un nombre")
            return None
        if isinstance(value, str):
            try:
                value = parse_number(value)
            except ValueError:
                self.problem(field, f"« {echo(value)} » n'est pas un nombre")
                return None
        elif "%" in (self.cells[field].number_format or ""):
            shown = fmt_number(value * 100, 1)
            self.problem(field, f"cellule au format pourcentage ({shown} % affiché) : saisissez le nombre "
                                f"{shown} sans le format pourcentage")
            return None
        if integer:
            if float(value) != int(value):
                self.problem(field, f"« {fmt_plain(value)} » n'est pas un nombre entier")
                return None
            return int(value)
        return float(value)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_workbook(path: Path | str, catalog: Catalog, territory_code: str,
                  communes: Collection[str] | None = None) -> pd.DataFrame:
    """Every row of the « Valeurs » sheet as the long table; all cell problems raised at once.

    `territory_code`: the code of the whole territory (observatoire.yaml `code`), given to
    territory-level rows whose code cell is empty. `communes`: the INSEE codes of the territory's communes (commune codes, and the commune part
    of IRIS codes, must be among them); None skips that check.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Le classeur « {path} » est introuvable.", "Vérifiez le chemin du fichier.")
    hint = "Ouvrez-le dans votre tableur et réenregistrez-le au format .xlsx."
    with xlsx_errors(path.name, hint):
        formulas = _formula_cells(path)
        # Not read-only: only a full load knows which rows are hidden (the size was checked first).
        wb = open_xlsx(path, path.name, MAX_WORKBOOK_BYTES, read_only=False, data_only=True)
    if VALUES_SHEET not in wb.sheetnames:
        raise UserError(f"{path.name} : feuille « {VALUES_SHEET} » absente.",
                        "Partez d'un modèle produit par « observatoire template ».")
    return _parse_sheet(wb[VALUES_SHEET], catalog, path.name, territory_code, formulas,
                        None if communes is None else frozenset(map(str, communes)))


def _formula_cells(path: Path) -> set[str]:
    """Coordinates of the formula cells of the values sheet (a values-only load cannot tell a
    formula without a computed value from an empty cell)."""
    wb = open_xlsx(path, path.name, MAX_WORKBOOK_BYTES, read_only=True, data_only=False)
    try:
        if VALUES_SHEET not in wb.sheetnames:
            return set()
        sheet = wb[VALUES_SHEET]
        sheet.reset_dimensions()  # a stale <dimension> tag would otherwise truncate the sheet
        return {cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"}
    finally:
        wb.close()


def _parse_sheet(sheet, catalog: Catalog, file_name: str, territory_code: str, formulas: set[str] = frozenset(),
                 communes: frozenset[str] | None = None) -> pd.DataFrame:
    rows = sheet.iter_rows()
    header = next(rows, ())
    problems: list[CellProblem] = []
    positions = _header_positions(header, problems)
    if problems:
        raise _cell_error(file_name, problems)
    records, seen = [], {}
    for cells in rows:
        by_field = {field: cells[i] for field, i in positions.items()}  # a full load gives whole rows
        if all(c.value in (None, "") and c.coordinate not in formulas for c in by_field.values()):
            continue
        row_number = cells[0].row
        if sheet.row_dimensions[row_number].hidden:
            problems.append(CellProblem(VALUES_SHEET, f"A{row_number}",
                                        f"la ligne {row_number} est masquée : affichez-la et vérifiez-la (ou "
                                        "supprimez-la) avant l'import, rien ne s'importe sans être vu"))
            continue
        reader = _RowReader(by_field, row_number, problems, formulas)
        record = _parse_row(reader, catalog, file_name, territory_code, communes)
        key = tuple(record[k] for k in KEY_COLUMNS)
        if key in seen:
            problems.append(CellProblem(VALUES_SHEET, f"{_letter(positions['indicator'])}{row_number}",
                                        f"même indicateur, année, territoire et ventilation qu'à la ligne {seen[key]}"))
        seen[key] = row_number
        records.append(record)
    if problems:
        raise _cell_error(file_name, problems)
    return normalise(pd.DataFrame(records, columns=list(VALUE_COLUMNS)))


_FORMULA = object()  # what `_RowReader.raw` returns for a formula without a computed value


def _letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _header_positions(header, problems: list[CellProblem]) -> dict[str, int]:
    found: dict[str, list[int]] = {}
    for i, cell in enumerate(header):
        if cell.value is not None:
            found.setdefault(restore(str(cell.value).strip()).casefold(), []).append(i)
    positions = {}
    for i, (field, title) in enumerate(HEADERS.items()):
        places = found.get(title.casefold()) or found.get(field)  # the French header, or the code of a program
        if not places:
            problems.append(CellProblem(VALUES_SHEET, f"{_letter(i)}1", f"colonne « {title} » absente"))
            continue
        if len(places) > 1:
            letters = " et ".join(_letter(p) for p in places)
            problems.append(CellProblem(VALUES_SHEET, f"{_letter(places[1])}1",
                                        f"colonne « {title} » en double (colonnes {letters}) : gardez-en une seule"))
        positions[field] = places[0]
    return positions


def _parse_row(r: _RowReader, catalog: Catalog, file_name: str, territory_code: str,
               communes: frozenset[str] | None = None) -> dict:
    record = {"indicator": r.text("indicator").upper()}
    indicator = _indicator(r, catalog, record["indicator"])
    year = r.number("year", required=True, integer=True)
    years = catalog.years
    if year is not None and year not in years:
        r.problem("year", f"« {year} » est hors de la période des engagements ({years[0]} à {years[-1]}, "
                          "de la première année de référence à l'échéance du catalogue)")
    record["year"] = year
    record["geo_level"] = r.text("geo_level", TERRITORY_LEVEL).lower()
    if record["geo_level"] not in GEO_LEVELS:
        r.problem("geo_level", f"« {echo(record['geo_level'])} » n'est pas un niveau ({', '.join(GEO_LEVELS)})")
    record["geo_code"] = r.text("geo_code", territory_code if record["geo_level"] == TERRITORY_LEVEL else "")
    if not record["geo_code"]:
        r.problem("geo_code", "code géographique manquant")
    elif communes is not None:
        _check_territory(r, record["geo_level"], record["geo_code"], communes, territory_code)
    record["breakdown"] = r.text("breakdown")
    record["value"] = r.number("value", required=True)
    record["ci_low"], record["ci_high"] = r.number("ci_low"), r.number("ci_high")
    record["n_unweighted"] = r.number("n_unweighted", integer=True)
    record["source"] = r.text("source", f"classeur {file_name}")
    status = r.text("status", "provisoire").lower()
    record["status"] = STATUS_FROM_FR.get(status)
    if record["status"] is None:
        r.problem("status", f"« {echo(status)} » n'est pas un statut (provisoire ou définitive)")
    if record["n_unweighted"] is not None and record["n_unweighted"] < 0:
        r.problem("n_unweighted", f"« {record['n_unweighted']} » : un effectif ne peut pas être négatif")
    if indicator is not None and record["value"] is not None:
        _check_range(r, indicator, record)
    return record


def _check_territory(r: _RowReader, level: str, code: str, communes: frozenset[str], territory_code: str) -> None:
    if level == "commune" and code not in communes:
        r.problem("geo_code", f"« {echo(code)} » n'est pas le code Insee d'une des {len(communes)} communes du "
                              "territoire (code à 5 caractères, pas le code postal)")
    elif level == "iris" and (not re.fullmatch(r"\d[\dAB]\d{7}", code) or code[:5] not in communes):
        r.problem("geo_code", f"« {echo(code)} » n'est pas un code IRIS du territoire (9 chiffres : le code Insee "
                              "d'une de ses communes suivi de 4 chiffres)")
    elif level == TERRITORY_LEVEL and code != territory_code:
        r.problem("geo_code", f"« {echo(code)} » : le code du territoire est {territory_code} (ou laissez la cellule vide)")


def _indicator(r: _RowReader, catalog: Catalog, ident: str) -> Indicator | None:
    if not ident:
        r.problem("indicator", "identifiant d'indicateur manquant")
        return None
    if ident not in catalog.ids:
        r.problem("indicator", f"« {echo(ident)} » n'est pas un indicateur du catalogue")
        return None
    indicator = catalog.get(ident)
    if indicator.source.type != "file":
        origin = "de l'enquête" if indicator.source.type == "survey" else "d'un inventaire"
        r.problem("indicator", f"« {ident} » est calculé à partir {origin} : sa valeur ne se saisit pas dans le classeur")
        return None
    return indicator


def _check_range(r: _RowReader, indicator: Indicator, record: dict) -> None:
    value = record["value"]
    lowest, highest = indicator.bounds
    if indicator.direction == "binary":
        if value not in (0, 1):
            r.problem("value", f"« {fmt_plain(value)} » : indicateur oui/non, saisissez 1 (oui) ou 0 (non)")
    elif indicator.unit_short.strip() == "%" and not lowest <= value <= highest:
        r.problem("value", f"« {fmt_plain(value)} » : une part en pourcentage est comprise entre 0 et 100")
    elif value < lowest:
        r.problem("value", f"« {fmt_plain(value)} » : une valeur en {indicator.unit} ne peut pas être négative")
    elif highest is not None and value > highest:
        r.problem("value", f"« {fmt_plain(value)} » dépasse {fmt_plain(highest)}, le maximum d'une valeur en "
                           f"{indicator.unit}")
    for field in ("ci_low", "ci_high"):
        bound = record[field]
        if bound is not None and (bound < lowest or (highest is not None and bound > highest)):
            r.problem(field, f"« {fmt_plain(bound)} » : une borne d'intervalle sort des valeurs possibles "
                             f"({fmt_plain(lowest)} à {fmt_plain(highest) if highest is not None else '∞'})")
    low, high = record["ci_low"], record["ci_high"]
    if (low is not None and low > value) or (high is not None and high < value):
        r.problem("value", "la valeur sort de son intervalle de confiance (IC bas ≤ valeur ≤ IC haut)")


def _cell_error(file_name: str, problems: list[CellProblem]) -> UserError:
    shown = [str(p) for p in problems[:30]]
    if len(problems) > 30:
        shown.append(f"… et {len(problems) - 30} autre(s)")
    return UserError(f"{file_name} : {len(problems)} problème(s), rien n'a été importé :\n"
                     + "\n".join(f"- {s}" for s in shown),
                     "Corrigez les cellules signalées puis relancez l'import.")


def _same(a, b) -> bool:
    """Equal as the import's summary shows them: numbers to `SHOWN_DECIMALS` decimals, so that a
    re-import never records a change that reads « 33,3333 → 33,3333 »."""
    missing_a = a is None or (not isinstance(a, str) and pd.isna(a))
    missing_b = b is None or (not isinstance(b, str) and pd.isna(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    return a == b if isinstance(a, str) else fmt_plain(float(a)) == fmt_plain(float(b))


def plan_changes(existing: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """New and changed rows of `incoming` relative to `existing` (unchanged rows are left out)."""
    current = {tuple(r[k] for k in KEY_COLUMNS): r for r in normalise(existing).to_dict("records")}
    rows = []
    for new in normalise(incoming).to_dict("records"):
        old = current.get(tuple(new[k] for k in KEY_COLUMNS))
        if old is not None and all(_same(old[c], new[c]) for c in COMPARED):
            continue
        row = {k: new[k] for k in KEY_COLUMNS}
        row["change"] = "new" if old is None else "changed"
        for col in ("value", "status", "source"):
            row[f"previous_{col}"] = None if old is None else old[col]
            row[f"new_{col}"] = new[col]
        rows.append(row)
    columns = [c for c in HISTORY_COLUMNS if c not in ("changed_at", "source_file", "source_sha256")]
    return pd.DataFrame(rows, columns=columns)


def read_history(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def history_csv(history: pd.DataFrame) -> str:
    return history.reindex(columns=list(HISTORY_COLUMNS)).to_csv(index=False, lineterminator="\n",
                                                                  float_format=full_precision)


def apply_import(workbook: Path, incoming: pd.DataFrame, values_path: Path, history_path: Path,
                 catalog: Catalog | None = None, now: dt.datetime | None = None) -> pd.DataFrame:
    """Merge `incoming` into the values as they are now and append the history, in one locked
    transaction (`store`); return the changes made.

    The current values are read again under the lock: an import that ran meanwhile is kept, and
    the history records what this import really changed.
    """
    sha256 = _sha256(Path(workbook))
    with store.locked(values_path):
        existing = read_values(values_path, catalog) if Path(values_path).exists() else empty_values()
        changes = plan_changes(existing, incoming)
        if changes.empty:
            return changes
        stamp = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        trace = changes.assign(changed_at=stamp, source_file=Path(workbook).name, source_sha256=sha256)
        history = pd.concat([read_history(history_path), trace.astype(object)], ignore_index=True)
        kept = incoming.merge(changes[list(KEY_COLUMNS)], on=list(KEY_COLUMNS))  # unchanged rows stay as stored
        store.commit(values_path, {Path(history_path): history_csv(history),
                                   Path(values_path): values_csv(merge_values(existing, kept))})
    return changes

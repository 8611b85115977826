"""`observatoire progress [--territory DIR] [--values FILE.csv] [--json]`: progress towards 2026.

One row per indicator: status by the Open SDG method with every component, and the linear
projection to the target year. By default the territory's pipeline runs (survey indicators
recomputed from its survey), so the figures are those of the app and the site. `--values` takes
any long table (README format) as it is, so anyone can check the method on their own series.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pandas as pd

from observatoire.commitments import divergences
from observatoire.errors import UserError
from observatoire.formatting import fmt_number
from observatoire.indicators.catalog import load_catalog
from observatoire.indicators.progress import CITATION, STATUS_LABELS_FR, assess_progress
from observatoire.commands.arguments import add_territory, results_of, territory_of
from observatoire.indicators.values import load_values

TITLE_WIDTH = 46


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "progress",
        help="progression des indicateurs vers leur cible 2026 (méthode Open SDG)",
        description="Évalue chaque indicateur (statut, ratio des rythmes, projection linéaire à 2026).",
    )
    add_territory(parser)
    parser.add_argument("--values", metavar="FICHIER.csv", default=None,
                        help="évaluer cette table de valeurs telle quelle, sans recalculer l'enquête "
                        "(défaut : valeurs du territoire, indicateurs d'enquête recalculés)")
    parser.add_argument("--json", action="store_true", help="écrire toutes les composantes en JSON")
    parser.set_defaults(func=run)


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return value


def records(table: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in table.astype(object).to_dict(orient="records")]


def _value(row: pd.Series, key: str) -> str:
    value = row[key]
    return "–" if value is None or pd.isna(value) else fmt_number(value, int(row["decimals"]))


def _projection(row: pd.Series) -> str:
    if row["projection_2026"] is None or pd.isna(row["projection_2026"]):
        return "–"
    return (f"{_value(row, 'projection_2026')} [{_value(row, 'projection_low')} ; "
            f"{_value(row, 'projection_high')}]")


def text_table(table: pd.DataFrame) -> str:
    lines = [f"{'Id':6}{'Intitulé':{TITLE_WIDTH + 1}}{'Dernière valeur':>22}  {'Cible':>9}  "
             f"{'Statut':28}{'Ratio':>7}  Projection 2026 [IP 95 %]"]
    for _, row in table.iterrows():
        title = row["title"] if len(row["title"]) <= TITLE_WIDTH else row["title"][:TITLE_WIDTH - 1] + "…"
        latest = "–" if pd.isna(row["latest_year"]) else f"{_value(row, 'latest_value')} ({int(row['latest_year'])})"
        mark = "*" if row["illustrative"] else " "
        ratio = "–" if pd.isna(row["ratio"]) else fmt_number(row["ratio"], 2)
        lines.append(f"{row['id']:5}{mark}{title:{TITLE_WIDTH + 1}}{latest:>22}  {_value(row, 'target'):>9}  "
                     f"{row['status_label']:28}{ratio:>7}  {_projection(row)}")
    counts = table["status"].map(STATUS_LABELS_FR).value_counts()
    lines.append("")
    lines.append("Statuts : " + " · ".join(f"{label} {n}" for label, n in counts.items()))
    lines.append(f"* entrée illustrative ou indicateur illustratif ({int(table['illustrative'].sum())} sur {len(table)}).")
    lines += divergences(table)
    lines += [f"- {row['id']} : {row['agreement_note']}." for _, row in table.iterrows() if row.get("agreement_note")]
    lines.append(f"Méthode : {CITATION}.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.values is not None:
        if not Path(args.values).is_file():
            raise UserError(f"Table des valeurs introuvable : « {args.values} ».", "Donnez le chemin d'un fichier CSV existant.")
        catalog = load_catalog(territory_of(args).catalog)
        table = assess_progress(catalog, load_values(args.values, catalog))
    else:
        table = results_of(args).progress
    if args.json:
        print(json.dumps(records(table), ensure_ascii=False, indent=2))
    else:
        print(text_table(table))
    return 0

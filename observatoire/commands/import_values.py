"""`observatoire import FILE.xlsx [--territory DIR] [--dry-run] [--yes] [--values FILE.csv] [--history FILE.csv]`.

Checks the workbook (every problem with its sheet and cell; commune and IRIS codes against the
territory's communes), shows the new and changed values, then, once confirmed, writes the merged
values and the history in one locked transaction (`observatoire.indicators.store`): two imports
at once both keep their values, and a killed import leaves both files as they were or both
updated. Existing values absent from the workbook are kept; the workbook itself is never
modified. The values and the history are CSV files (`--values` and `--history` refuse any other
extension, so a workbook is never overwritten with CSV text).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from observatoire.commands.arguments import add_indicator_files, indicator_files
from observatoire.errors import UserError
from observatoire.geo import load_geography
from observatoire.indicators.catalog import load_catalog
from observatoire.indicators.values import TERRITORY_LEVEL, empty_values, load_values
from observatoire.indicators.workbook import STATUS_FR, apply_import, fmt_plain, plan_changes, read_workbook


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="importer les valeurs d'un classeur de saisie",
        description="Vérifie un classeur de saisie, montre les changements, puis les enregistre avec leur historique.",
    )
    parser.add_argument("workbook", metavar="CLASSEUR.xlsx", help="classeur produit par « observatoire template »")
    parser.add_argument("--dry-run", action="store_true", help="montrer les changements sans rien écrire")
    parser.add_argument("--yes", action="store_true", help="enregistrer sans demander de confirmation")
    add_indicator_files(parser, "table des valeurs à mettre à jour")
    parser.add_argument("--history", metavar="FICHIER.csv", default=None,
                        help="historique des modifications (défaut : history.csv à côté de la table des valeurs)")
    parser.set_defaults(func=run)


def describe(changes: pd.DataFrame) -> list[str]:
    lines = []
    for c in changes.itertuples(index=False):
        where = c.geo_code if c.geo_level == TERRITORY_LEVEL else f"{c.geo_level} {c.geo_code}"
        label = f"{c.indicator} {c.year} ({where}{', ' + c.breakdown if c.breakdown else ''})"
        if c.change == "new":
            lines.append(f"  + {label} : {fmt_plain(c.new_value)} ({STATUS_FR[c.new_status]})")
        else:
            lines.append(f"  ~ {label} : {fmt_plain(c.previous_value)} → {fmt_plain(c.new_value)} "
                         f"({STATUS_FR[c.previous_status]} → {STATUS_FR[c.new_status]})")
    return lines


def _confirmed(count: int) -> bool:
    try:
        answer = input(f"Enregistrer ces {count} modification(s) ? [o/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("o", "oui", "y", "yes")


def _csv_path(path: Path, option: str) -> Path:
    if path.suffix.lower() != ".csv":
        raise UserError(f"{option} « {path.name} » : la table des valeurs et son historique s'enregistrent au format "
                        "CSV (.csv), jamais dans un classeur.",
                        f"Indiquez un fichier .csv après {option} ; le classeur de saisie se passe en premier argument.")
    return path


def run(args: argparse.Namespace) -> int:
    territory, catalog_path, values_path = indicator_files(args)
    values_path = _csv_path(values_path, "--values")
    history_path = _csv_path(Path(args.history) if args.history else values_path.with_name("history.csv"), "--history")
    catalog = load_catalog(catalog_path)
    communes = load_geography(territory).communes["code"].tolist()
    incoming = read_workbook(args.workbook, catalog, territory.code, communes)
    existing = load_values(values_path, catalog) if values_path.exists() else empty_values()
    changes = plan_changes(existing, incoming)
    new, changed = int((changes["change"] == "new").sum()), int((changes["change"] == "changed").sum())
    print(f"{Path(args.workbook).name} : {len(incoming)} ligne(s) lue(s) ; {new} nouvelle(s) valeur(s), "
          f"{changed} valeur(s) modifiée(s), {len(incoming) - new - changed} inchangée(s).")
    if not changes.empty:
        print("\n".join(describe(changes)))
    if changes.empty:
        print("Aucune modification à enregistrer.")
        return 0
    if args.dry_run:
        print("Simulation (--dry-run) : rien n'a été écrit.")
        return 0
    if not args.yes and not _confirmed(len(changes)):
        print("Aucune modification enregistrée (confirmez avec « o » ou ajoutez --yes).")
        return 0
    applied = apply_import(Path(args.workbook), incoming, values_path, history_path, catalog)
    if describe(applied) != describe(changes):  # another import changed the values since they were shown
        print(f"Les valeurs ont changé entre-temps : {len(applied)} modification(s) enregistrée(s) :")
        print("\n".join(describe(applied)))
    print(f"Enregistré : {values_path} ; historique : {history_path}.")
    return 0

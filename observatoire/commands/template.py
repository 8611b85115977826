"""`observatoire template --out FILE.xlsx [--territory DIR] [--catalog FILE.yaml] [--values FILE.csv] [--force]`.

Writes the Excel input workbook for the services: French headers, instructions, drop-down
lists (indicators, years, levels, statuses) and the values already known.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from observatoire.commands.arguments import add_indicator_files, indicator_files
from observatoire.errors import UserError
from observatoire.indicators.catalog import load_catalog
from observatoire.indicators.values import load_values
from observatoire.indicators.workbook import write_template


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "template",
        help="écrire le classeur Excel de saisie des indicateurs",
        description="Écrit un classeur .xlsx de saisie : consignes, listes déroulantes et valeurs déjà connues.",
    )
    parser.add_argument("--out", required=True, metavar="FICHIER.xlsx", help="classeur à écrire")
    add_indicator_files(parser, "valeurs déjà connues")
    parser.add_argument("--force", action="store_true", help="remplacer le classeur s'il existe déjà")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"« {out.name} » : le modèle s'écrit au format .xlsx.", "Indiquez un nom se terminant par .xlsx.")
    if out.exists() and not args.force:
        raise UserError(f"Le fichier « {out} » existe déjà.", "Choisissez un autre nom ou ajoutez --force pour le remplacer.")
    territory, catalog_path, values_path = indicator_files(args)
    catalog = load_catalog(catalog_path)
    try:
        write_template(out, catalog, load_values(values_path, catalog), territory.code)
    except OSError as err:
        raise UserError(f"Impossible d'écrire « {out} » ({err.strerror}).",
                        "Choisissez un dossier où vous avez le droit d'écrire.") from err
    print(f"Classeur de saisie écrit : {out}")
    return 0

"""`observatoire validate FILE [--sheet NAME] [--json] [--territory DIR]`: check a survey file before using it.

Exit 0 when the file is valid, 1 when it has findings, 2 when it cannot be read (cli.main
turns UserError into a French message and exit code 2).
"""

from __future__ import annotations

import argparse
import json

from observatoire.commands.arguments import add_territory, territory_of
from observatoire.validation import validate_file

SHOWN_PER_KIND = 20  # text output: first findings per (code, column); --json keeps them all


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="vérifier un fichier d'enquête (CSV, XLSX, SPSS .sav)",
        description="Vérifie un fichier d'enquête par rapport à la description de l'enquête et aux communes et IRIS "
        "du territoire, et liste tous les problèmes trouvés.",
    )
    parser.add_argument("file", metavar="FICHIER", help="fichier .csv, .xlsx ou .sav")
    parser.add_argument("--sheet", metavar="FEUILLE", help="feuille du classeur Excel (par défaut : la première)")
    parser.add_argument("--json", action="store_true", help="écrire la liste complète des problèmes en JSON")
    add_territory(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = validate_file(args.file, territory_of(args), sheet=args.sheet)
    if args.json:
        print(json.dumps([f.to_dict() for f in report.findings], ensure_ascii=False, indent=2))
    else:
        for line in report.lines_fr(SHOWN_PER_KIND):
            print(line)
        print(report.summary_fr())
    return 0 if report.ok else 1

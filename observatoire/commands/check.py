"""`observatoire check [--territory DIR] [--json]`: check a whole territory directory at once.

Exit 0 when everything is in order, 1 when there are findings, 2 when the territory cannot be
used at all (observatoire.yaml or the commune contours). `--json` prints `CheckReport.to_dict()`:
keys `territory` {root, name, code}, `status` (ok | findings | unusable), `exit_code`, `parts`
[{part, label, summary, findings}] and `findings` [{part, code, file, row, column, key, value,
message, hint}] (docs/territoire.md).
"""

from __future__ import annotations

import argparse
import json

from observatoire.checks import check_territory
from observatoire.commands.arguments import add_territory
from observatoire.territory import default_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="vérifier tout un dossier de territoire (configuration, contours, marges, covariables, enquête, "
        "catalogue, valeurs, inventaires)",
        description="Vérifie tout le territoire d'un coup et liste chaque problème avec son fichier, sa ligne, sa "
        "colonne (ou sa clé) et ce qu'il faut faire.",
    )
    add_territory(parser)
    parser.add_argument("--json", action="store_true", help="écrire le rapport complet en JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = check_territory(args.territory if args.territory is not None else default_dir())
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines_fr()))
    return report.exit_code

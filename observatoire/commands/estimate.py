"""`observatoire estimate CASE`: answer a reference case (folder or case.json) as JSON on stdout,
in the format of its expected.json (see observatoire/stats/case.py)."""

from __future__ import annotations

import argparse
import json

from observatoire.stats.case import run_case


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "estimate",
        help="Calcule les estimations d'un cas de référence (case.json + data.csv) au format expected.json",
        description="Estimations pondérées d'un cas de référence, au format JSON de expected.json.",
    )
    parser.add_argument("case", help="dossier du cas, ou chemin de son case.json")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(run_case(args.case), ensure_ascii=False, indent=2))
    return 0

"""Arguments every command shares: which territory (and so which files) it works on."""

from __future__ import annotations

import argparse
from pathlib import Path

from observatoire.pipeline import Inputs, Results, run
from observatoire.territory import ENV_VAR, Territory, load_territory


def add_territory(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--territory", metavar="DOSSIER", type=Path, default=None,
        help=f"dossier du territoire (son observatoire.yaml) ; défaut : variable {ENV_VAR}, sinon le territoire "
        "d'exemple",
    )


def territory_of(args: argparse.Namespace) -> Territory:
    return load_territory(args.territory)


def results_of(args: argparse.Namespace, survey: Path | None = None) -> Results:
    """One pipeline run on the territory's inputs (`survey`: another survey file)."""
    return run(Inputs.of(territory_of(args), survey))


def add_indicator_files(parser: argparse.ArgumentParser, values_help: str) -> None:
    """--territory, and --catalog/--values to use other files than the territory's."""
    add_territory(parser)
    parser.add_argument("--catalog", metavar="FICHIER.yaml", type=Path, default=None,
                        help="catalogue des indicateurs (défaut : celui du territoire)")
    parser.add_argument("--values", metavar="FICHIER.csv", type=Path, default=None,
                        help=f"{values_help} (défaut : celle du territoire)")


def indicator_files(args: argparse.Namespace) -> tuple[Territory, Path, Path]:
    """The territory, and the catalogue and values files the command works on."""
    territory = territory_of(args)
    return territory, args.catalog or territory.catalog, args.values or territory.values

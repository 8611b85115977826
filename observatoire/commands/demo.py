"""`observatoire demo [--territory DIR] [--seed N] [--n N] [--profiles FILE]`: write a territory's
demonstration data into it.

The synthetic survey (waves 2022 and 2024), IRIS covariates, raking margins, inventories and
indicator values go to the paths its observatoire.yaml names, which then declares them
`demonstration`. Inputs declared real are never overwritten (observatoire.demo.territory).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from observatoire.commands.arguments import add_territory, territory_of
from observatoire.demo.survey import DEFAULT_N, DEFAULT_SEED
from observatoire.demo.territory import write_demo
from observatoire.errors import UserError
from observatoire.formatting import fmt_number
from observatoire.territory import INPUTS

MIN_N = 100


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="écrire les données de démonstration d'un territoire (synthétiques, reproductibles)",
        description="Écrit dans le territoire une enquête synthétique (vagues 2022 et 2024), les covariables des "
        "IRIS, les marges de calage, les inventaires et les valeurs des indicateurs, aux chemins de son "
        "observatoire.yaml, et les y déclare « demonstration ».",
    )
    add_territory(parser)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"graine aléatoire (défaut {DEFAULT_SEED})")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help=f"répondants par vague (défaut {DEFAULT_N})")
    parser.add_argument("--profiles", metavar="FICHIER.csv", type=Path, default=None,
                        help="profils de démonstration des communes (commune, deprivation, age) ; défaut : "
                        "profiles.csv à côté du fichier d'enquête, s'il existe, sinon tirés au hasard")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.n < MIN_N:
        raise UserError(
            f"Taille d'échantillon trop petite : {args.n} répondants par vague.",
            f"Indiquez --n {MIN_N} ou plus (chaque commune doit avoir des répondants).",
        )
    if args.profiles is not None and not args.profiles.is_file():
        raise UserError(f"Fichier de profils introuvable : « {args.profiles} ».", "Donnez le chemin d'un fichier CSV existant.")
    territory = territory_of(args)
    try:
        paths, inputs = write_demo(territory, seed=args.seed, n=args.n, profiles=args.profiles)
    except OSError as err:
        raise UserError(
            f"Impossible d'écrire dans {err.filename or territory.root} : ce n'est pas un dossier accessible en écriture.",
            "Vérifiez les droits d'écriture sur le dossier du territoire.",
        ) from err
    print(f"Données de démonstration de « {territory.name} » (graine {args.seed}, {fmt_number(args.n)} répondants "
          "par vague) :")
    for path in paths:
        print(f"  écrit {_shown(path, territory.root)}")
    print(f"Déclarées « demonstration » dans {territory.config.name} : {', '.join(INPUTS[name] for name in inputs)}.")
    return 0


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)

"""`observatoire demo --out DIR [--seed N] [--n N] [--margins DIR]`: write the demonstration data."""

from __future__ import annotations

import argparse

from observatoire.demo.survey import DEFAULT_N, DEFAULT_SEED, write_demo, write_margins
from observatoire.errors import UserError

MIN_N = 100


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="écrire les données de démonstration (synthétiques, reproductibles)",
        description="Génère l'enquête de démonstration (vagues 2022 et 2024) et la table des IRIS.",
    )
    parser.add_argument("--out", required=True, help="dossier de sortie (créé si besoin)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"graine aléatoire (défaut {DEFAULT_SEED})")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help=f"répondants par vague (défaut {DEFAULT_N})")
    parser.add_argument(
        "--margins", metavar="DIR", help="écrire aussi les marges de calage de la population synthétique (survey/margins)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.n < MIN_N:
        raise UserError(
            f"Taille d'échantillon trop petite : {args.n} répondants par vague.",
            f"Indiquez --n {MIN_N} ou plus (chaque commune doit avoir des répondants).",
        )
    try:
        paths = write_demo(args.out, seed=args.seed, n=args.n)
        if args.margins:
            paths += write_margins(args.margins)
    except OSError as err:
        raise UserError(
            f"Impossible d'écrire dans {err.filename or args.out} : ce n'est pas un dossier accessible en écriture.",
            "Choisissez un dossier (existant ou à créer) où vous avez le droit d'écrire.",
        ) from err
    print(f"Données de démonstration (graine {args.seed}, {args.n} répondants par vague) :")
    for path in paths:
        print(f"  écrit {path}")
    return 0

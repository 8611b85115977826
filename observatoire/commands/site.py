"""`observatoire site --out DIR [--territory DIR] [--data FILE]`: build the static public site (HTML + open data).

Prints each page's size, request count, element count and EcoIndex; exits 1 when a page exceeds
the sobriety budget or scores below EcoIndex A (observatoire.site.budget), 2 when the survey file
is unusable.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from observatoire.commands.arguments import add_territory, results_of
from observatoire.errors import UserError
from observatoire.formatting import fmt_number
from observatoire.site.budget import MAX_BYTES, MAX_REQUESTS, REQUIRED_GRADE
from observatoire.site.builder import build_site
from observatoire.site.data import SiteConfig, from_results


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "site",
        help="Construit le site public statique (pages HTML légères et données ouvertes)",
        description="Site public statique : pages HTML sans script ni ressource externe, et fichiers de "
        "données ouvertes (agrégats seulement, sous la licence du territoire, décrits par datapackage.json).",
    )
    parser.add_argument("--out", required=True, type=Path, help="dossier où écrire le site")
    parser.add_argument("--data", type=Path, help="fichier d'enquête (CSV, XLSX, SAV) ; défaut : celui du territoire")
    parser.add_argument("--contact", help="contact de la déclaration d'accessibilité (défaut : contact du territoire)")
    parser.add_argument("--name", help="nom du site (défaut : « Observatoire du numérique — » et le nom du territoire)")
    add_territory(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    results = results_of(args, args.data)
    if not results.validation.ok:
        raise UserError(
            f"Le fichier « {results.source} » n'est pas valide : site non construit.",
            f"Lancez `observatoire validate {args.data}` pour voir les problèmes.",
        )
    config = SiteConfig.for_territory(results.territory, site_name=args.name, contact=args.contact)
    weights = build_site(from_results(results), config, args.out)
    print(f"Site écrit dans {args.out} (budget par page : {fmt_number(MAX_BYTES)} octets, {MAX_REQUESTS} requêtes, "
          f"EcoIndex {REQUIRED_GRADE})")
    print(f"{'page':<36} {'octets':>10} {'requêtes':>9} {'éléments':>9} {'EcoIndex':>9}")
    for weight in weights:
        mark = "" if weight.within_budget else "  HORS BUDGET"
        score = f"{fmt_number(weight.ecoindex, 0)} {weight.grade}"
        print(f"{weight.name:<36} {weight.bytes:>10} {weight.requests:>9} {weight.dom:>9} {score:>9}{mark}")
    print(f"{'total':<36} {sum(w.bytes for w in weights):>10}")
    return 0 if all(w.within_budget for w in weights) else 1

"""`observatoire site --out DIR [--data FILE]`: build the static public site (HTML + open data).

Prints each page's size and request count; exits 1 when a page exceeds the sobriety budget
(observatoire.site.budget), 2 when the survey file is unusable.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from observatoire.errors import UserError
from observatoire.formatting import fmt_number
from observatoire.pipeline import Inputs, run as run_pipeline
from observatoire.site.budget import MAX_BYTES, MAX_REQUESTS
from observatoire.site.builder import build_site
from observatoire.site.data import DEFAULT_CONTACT, SiteConfig, from_results


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "site",
        help="Construit le site public statique (pages HTML légères et données ouvertes)",
        description="Site public statique : pages HTML sans script ni ressource externe, et fichiers de "
        "données ouvertes (agrégats seulement, Licence Ouverte 2.0).",
    )
    parser.add_argument("--out", required=True, type=Path, help="dossier où écrire le site")
    parser.add_argument("--data", type=Path, help="fichier d'enquête (CSV, XLSX, SAV) ; par défaut : données de démonstration")
    parser.add_argument("--contact", default=DEFAULT_CONTACT, help="contact de la déclaration d'accessibilité (adresse ou URL)")
    parser.add_argument("--name", default=SiteConfig.site_name, help="nom du site")
    parser.set_defaults(func=run)


def inputs_for(path: Path | None) -> Inputs:
    if path is None:
        return Inputs.demo()
    if not path.is_file():
        raise UserError(f"Fichier introuvable : « {path} ».", "Donnez le chemin d'un fichier d'enquête existant.")
    return Inputs(survey=path)


def run(args: argparse.Namespace) -> int:
    results = run_pipeline(inputs_for(args.data))
    if not results.validation.ok:
        raise UserError(
            f"Le fichier « {results.source} » n'est pas valide : site non construit.",
            f"Lancez `observatoire validate {args.data}` pour voir les problèmes.",
        )
    weights = build_site(from_results(results), SiteConfig(site_name=args.name, contact=args.contact), args.out)
    print(f"Site écrit dans {args.out} (budget par page : {fmt_number(MAX_BYTES)} octets, {MAX_REQUESTS} requêtes)")
    print(f"{'page':<36} {'octets':>10} {'requêtes':>9}")
    for weight in weights:
        mark = "" if weight.within_budget else "  HORS BUDGET"
        print(f"{weight.name:<36} {weight.bytes:>10} {weight.requests:>9}{mark}")
    print(f"{'total':<36} {sum(w.bytes for w in weights):>10}")
    return 0 if all(w.within_budget for w in weights) else 1

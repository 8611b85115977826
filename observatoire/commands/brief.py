"""`observatoire brief`: the council brief as an A4 PDF, or the one-commune brief for its mayor.

    observatoire brief --out FICHIER.pdf [--territory DIR] [--commune CODE] [--date AAAA-MM-JJ] [--survey FILE]

The same pipeline run as the app; the same inputs and date give the same bytes. Without
`--date`, the cover gives only the years of the data (the file then depends on the inputs alone).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from observatoire.brief import build_brief, commune_name
from observatoire.commands.arguments import add_territory, results_of
from observatoire.errors import UserError
from observatoire.formatting import fmt_number
from observatoire.indicators.store import write_atomic


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "brief",
        help="note au conseil en PDF (ou note pour une commune)",
        description="Écrit la note au conseil (A4, PDF) : chiffres clés de l'enquête et leur évolution, carte par "
        "commune, engagements par thème, quartiers à cibler, méthode et sources. Avec --commune : la note pour "
        "une commune, comparée à l'ensemble du territoire.",
    )
    parser.add_argument("--out", metavar="FICHIER.pdf", type=Path, required=True, help="fichier PDF à écrire")
    parser.add_argument("--commune", metavar="CODE", help="code Insee d'une commune du territoire : note pour cette commune")
    parser.add_argument("--date", metavar="AAAA-MM-JJ", type=_day, default=None,
                        help="date d'édition imprimée sur la couverture et dans les propriétés du PDF (défaut : aucune)")
    parser.add_argument("--survey", metavar="FICHIER", type=Path, help="fichier d'enquête (défaut : celui du territoire)")
    add_territory(parser)
    parser.set_defaults(func=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » : écrivez-la AAAA-MM-JJ, par exemple 2026-03-12") from None


def check_folder(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"Dossier introuvable : « {folder} ».", "Créez le dossier ou donnez un autre chemin avec --out.")


def run(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".pdf":
        raise UserError(f"La note s'écrit en PDF : « {args.out.name} » n'a pas l'extension .pdf.",
                        "Donnez un nom de fichier en .pdf avec --out.")
    check_folder(args.out)
    results = results_of(args, args.survey)
    if not results.validation.ok:
        raise UserError(f"Le fichier d'enquête « {results.source} » n'est pas valide : pas de note.",
                        "Lancez « observatoire validate » pour la liste des problèmes, corrigez-les puis relancez.")
    if args.commune is not None:
        commune_name(results, args.commune)  # an unknown code: a French message before any work
    pdf = build_brief(results, commune=args.commune, day=args.date)
    write_atomic(args.out, pdf)
    print(f"Note écrite : {args.out} ({fmt_number(len(pdf) / 1024)} Ko).")
    if results.demo_note:
        print(results.demo_note)
    return 0

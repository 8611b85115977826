"""`observatoire quartiers`: the IRIS to target first, with small-area estimates and rank uncertainty.

    observatoire quartiers [--territory DIR] [--top N] [--by share|count|index] [--commune CODE]
                           [--wave YEAR] [--json] [--out FILE.csv|FILE.xlsx] [--survey FILE]

Default: the territory's survey and covariates, latest wave, top 20 by estimated share, as a
French table; the same pipeline run as the app and the site.
`--json` prints a list of objects whose keys are `targeting.LIST_COLUMNS` plus `flags` (list).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pandas as pd

from observatoire.errors import UserError
from observatoire.commands.arguments import add_territory, results_of
from observatoire.formatting import ci_short, fmt_interval, fmt_number, fmt_percent
from observatoire.targeting import (
    BY,
    BY_LABELS_FR,
    DEFAULT_SEED,
    DEFAULT_TOP,
    area_estimates,
    export_table,
    list_csv,
    list_xlsx,
    load_covariates,
    rank_areas,
)

# A CSV has no room for a notice (a comment line breaks parsers): the demo label goes in the XLSX
# and in the command's own message.
WRITERS = {".csv": lambda ranked, note: list_csv(ranked), ".xlsx": lambda ranked, note: list_xlsx(ranked, demo=note)}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quartiers",
        help="classer les IRIS à cibler (estimations sur petits domaines, incertitude des rangs)",
        description=(
            "Classe les quartiers (IRIS) par part estimée de personnes en difficulté avec les démarches "
            "en ligne, par nombre estimé de personnes concernées ou par indice de fragilité numérique, "
            "avec l'intervalle de chaque rang et la probabilité d'être parmi les N premiers."
        ),
    )
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="N", help="nombre d'IRIS listés (0 = tous ; défaut 20)")
    parser.add_argument("--by", choices=BY, default="share", help="critère : share (part), count (nombre), index (indice)")
    parser.add_argument("--commune", metavar="CODE", help="ne garder que les IRIS d'une commune (code Insee)")
    parser.add_argument("--wave", type=int, metavar="ANNÉE", help="vague de l'enquête (défaut : la plus récente)")
    parser.add_argument("--json", action="store_true", help="écrire la liste en JSON")
    parser.add_argument("--out", metavar="FICHIER", help="exporter la liste complète en .csv (« ; », virgule décimale) ou .xlsx")
    parser.add_argument("--survey", metavar="FICHIER", type=Path, help="fichier d'enquête (défaut : celui du territoire)")
    add_territory(parser)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="graine de la simulation des rangs")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.top < 0:
        raise UserError("--top doit être positif ou nul.", "Exemple : --top 20 (0 = tous les IRIS).")
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in WRITERS:
        raise UserError(f"Format d'export non pris en charge : « {out.name} ».", "Utilisez un nom de fichier en .csv ou .xlsx.")
    results = results_of(args, args.survey)
    if results.design is None:
        raise UserError(
            "Le fichier d'enquête contient des erreurs : impossible d'estimer par quartier.",
            "Lancez « observatoire validate FICHIER » pour la liste des problèmes.",
        )
    wave = args.wave if args.wave is not None else max(results.waves)
    if wave not in results.waves:
        raise UserError(f"Vague {wave} absente de l'enquête.", f"Vagues présentes : {', '.join(map(str, results.waves))}.")
    if results.areas.empty:
        raise UserError(
            f"Pas d'estimation par IRIS pour {results.territory.name} : le territoire n'a pas de contours IRIS "
            "ou pas de fichier de covariables.",
            "Ajoutez geo.iris et covariates.file à observatoire.yaml (voir docs/territoire.md).",
        )
    latest = wave == max(results.waves)
    areas = results.areas if latest else area_estimates(
        results.design, load_covariates(results.territory.covariates), results.geography, wave, settings=results.settings).areas
    top = args.top or None
    ranked = rank_areas(areas, args.by, top=top, commune=args.commune, seed=args.seed, settings=results.settings)
    if out is not None:
        full = rank_areas(areas, args.by, top=None, k=ranked.attrs["k"], commune=args.commune, seed=args.seed,
                          settings=results.settings)
        out.write_bytes(WRITERS[out.suffix.lower()](full, results.demo_note))
    if args.json:
        print(json.dumps(records(ranked), ensure_ascii=False, indent=2))
    else:
        print("\n".join(table_lines(ranked, wave, results.demo_note, results.settings)))
        if out is not None:
            print(f"Liste complète exportée : {out}" + (f" ({results.demo_note})" if results.demo_note else ""))
    return 0


def records(ranked: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: keys of LIST_COLUMNS (rounded as exported) then `flags`; NaN -> null."""
    table = export_table(ranked).assign(flags=ranked["flags"])
    return [{key: _plain(value) for key, value in row.items()} for row in table.to_dict(orient="records")]


def _plain(value):
    if isinstance(value, list):
        return value
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


def table_lines(ranked: pd.DataFrame, wave: int, demo_note: str, settings) -> list[str]:
    k = ranked.attrs["k"]
    lines = [
        f"Quartiers (IRIS) à cibler — vague {wave}, classement par {BY_LABELS_FR[ranked.attrs['by']]}",
        *([demo_note] if demo_note else []),
        f"Rang : intervalle à 95 % et probabilité d'être parmi les {k} premiers "
        f"({fmt_number(ranked.attrs['n_draws'])} tirages simulés).",
        "",
        f"{'Rang':>4}  {'IC rang':>9}  {f'P(top {k})':>10}  {'Commune':<22} {'IRIS':<30} {'n':>4}  "
        f"{'Directe':>8}  {'Modèle':>8}  {ci_short(settings['ci_level']):>16}  Signalements",
    ]
    for row in ranked.itertuples(index=False):
        lines.append(
            f"{row.rank:>4}  {f'{row.rank_low}–{row.rank_high}':>9}  {fmt_percent(row.p_top_k, 0):>10}  "
            f"{row.commune_name[:22]:<22} {_iris_label(row)[:30]:<30} {row.n_unweighted:>4}  "
            f"{fmt_percent(row.direct):>8}  {fmt_percent(row.estimate):>8}  "
            f"{fmt_interval(row.ci_low, row.ci_high):>16}  {row.flag}"
        )
    lines += ["", f"Directe : « – » si moins de {settings['reliability_withhold_n']} répondants (secret statistique). "
              "Modèle : Fay-Herriot (EBLUP)."]
    return lines


def _iris_label(row) -> str:
    return f"{row.iris} {row.iris_name}".strip()

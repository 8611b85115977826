"""`observatoire quartiers`: the IRIS (or communes) to act on first, with small-area estimates, rank
uncertainty and priority tiers.

    observatoire quartiers [--territory DIR] [--level iris|commune] [--top N] [--by count|share|index]
                           [--commune CODE] [--wave YEAR] [--json] [--out FILE.csv|FILE.xlsx] [--survey FILE]

Default: the territory's survey and covariates, latest wave, IRIS ranked by the estimated number
of people in difficulty, top 20, as a French table; the same pipeline run as the app and the site.
`--json` prints a list of objects whose keys are `areas.exports.keys(level)` plus `flags` (codes).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from observatoire.areas import exports, labels
from observatoire.areas.covariates import load_covariates
from observatoire.areas.model import area_estimates, commune_estimates
from observatoire.areas.ranking import BY, DEFAULT_K, DEFAULT_SEED, rank_areas
from observatoire.commands.arguments import add_territory, results_of
from observatoire.errors import UserError
from observatoire.formatting import ci_short, fmt_interval, fmt_number, fmt_percent
from observatoire.geo import Geography

LEVELS = ("iris", "commune")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quartiers",
        help="classer les IRIS (ou les communes) où agir en premier (petits domaines, incertitude des rangs)",
        description=(
            "Classe les quartiers (IRIS) ou les communes par nombre estimé de personnes en difficulté avec les "
            "démarches en ligne (par défaut), par part estimée ou par indice de fragilité numérique, avec "
            "l'intervalle de chaque rang, la probabilité d'être parmi les N premiers et la priorité (1, 2, 3)."
        ),
    )
    parser.add_argument("--level", choices=LEVELS, default="iris", help="iris (quartiers, défaut) ou commune")
    parser.add_argument("--top", type=int, default=DEFAULT_K, metavar="N",
                        help="nombre de zones à retenir et à lister (0 = lister toutes, k = 20 ; défaut 20)")
    parser.add_argument("--by", choices=BY, default="count", help="critère : count (nombre, défaut), share (part), index (indice)")
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
        raise UserError("--top doit être positif ou nul.", "Exemple : --top 20 (0 = toutes les zones).")
    if args.level == "commune" and args.commune:
        raise UserError("--commune ne s'emploie qu'avec --level iris.", "Retirez --commune, ou classez les IRIS.")
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
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
    if results.areas.empty and results.areas_note:
        raise UserError(results.areas_note, "Les estimations directes par IRIS sont dans l'application "
                        "(page Carte, niveau IRIS).")
    if results.areas.empty:
        raise UserError(
            f"Pas d'estimation par IRIS pour {results.territory.name} : le territoire n'a pas de contours IRIS "
            "ou pas de fichier de covariables.",
            "Ajoutez geo.iris et covariates.file à observatoire.yaml (voir docs/territoire.md).",
        )
    areas = _areas(results, args.level, wave)
    ranked = rank_areas(areas, args.by, k=args.top or DEFAULT_K, commune=args.commune, settings=results.settings,
                        seed=args.seed)
    shown = ranked.head(args.top) if args.top else ranked
    if out is not None:
        provenance = exports.source_lines(wave, results.territory)
        content = (exports.list_csv(ranked, results.geography, results.settings) if out.suffix.lower() == ".csv"
                   else exports.list_xlsx(ranked, results.geography, results.settings, provenance=provenance,
                                          demo=results.demo_note))
        out.write_bytes(content)
    if args.json:
        print(json.dumps(exports.records(shown, results.geography), ensure_ascii=False, indent=2))
    else:
        print("\n".join(table_lines(shown, results.geography, results.settings, wave, results.demo_note)))
        if out is not None:
            print(f"Liste complète exportée : {out}" + (f" ({results.demo_note})" if results.demo_note else ""))
    return 0


def _areas(results, level: str, wave: int) -> pd.DataFrame:
    """The area table of `level` and `wave`: the pipeline's for IRIS of the latest wave (with the
    distances to the places of digital mediation), else estimated now."""
    if level == "iris" and wave == max(results.waves):
        return results.areas
    covariates = load_covariates(results.territory.covariates)
    estimates = area_estimates if level == "iris" else commune_estimates
    return estimates(results.design, covariates, wave, settings=results.settings).areas


def table_lines(ranked: pd.DataFrame, geography: Geography, settings, wave: int, demo_note: str) -> list[str]:
    k, level = ranked.attrs["k"], ranked.attrs["level"]
    zones = "Quartiers (IRIS)" if level == "iris" else "Communes"
    table = exports.list_table(ranked, geography)
    lines = [
        f"{zones} où agir en premier — vague {wave}, classement par {labels.CRITERIA_PHRASES[ranked.attrs['by']]}",
        *([demo_note] if demo_note else []),
        f"Rang : intervalle à 95 % et probabilité d'être parmi les {k} premiers "
        f"({fmt_number(ranked.attrs['n_draws'])} tirages simulés). {labels.tier_rule(k)}",
        "",
        f"{'Rang':>4}  {'IC rang':>9}  {f'P(top {k})':>10}  {'Prio.':>5}  {'Commune':<22} "
        + (f"{'IRIS':<30} " if level == "iris" else "")
        + f"{'n':>4}  {'Directe':>8}  {'Modèle':>8}  {ci_short(settings['ci_level']):>16}  {'Personnes':>9}  Signalements",
    ]
    for row, source in zip(table.to_dict("records"), ranked.to_dict("records")):  # figures from unrounded values
        ranked_row = pd.notna(row["rank"])
        rank = f"{row['rank']:>4}" if ranked_row else f"{'–':>4}"
        interval = f"{row['rank_low']}–{row['rank_high']}" if ranked_row else "–"
        chance = labels.chance_text(row["p_top_k"]) if ranked_row else "–"
        tier = str(row["tier"]) if ranked_row else "–"
        iris = f"{(row['iris'] + ' ' + row['iris_name'])[:30]:<30} " if level == "iris" else ""
        lines.append(
            f"{rank}  {interval:>9}  {chance:>10}  {tier:>5}  {row['commune_name'][:22]:<22} {iris}"
            f"{row['n_unweighted']:>4}  {fmt_percent(source['direct']):>8}  {fmt_percent(source['estimate']):>8}  "
            f"{fmt_interval(source['ci_low'], source['ci_high']):>16}  {fmt_number(source['count']):>9}  "
            f"{labels.flags_text(source['flags'], settings)}"
        )
    lines += ["", f"Directe : « – » en dessous de {settings['reliability_withhold_n']} répondants (secret statistique). "
                  "Modèle : estimation sur petits domaines (Fay-Herriot), qui combine les répondants de la zone et "
                  "les zones semblables."]
    return lines

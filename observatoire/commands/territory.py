"""`observatoire territory new DIR --communes FILE [--iris FILE] (--name NAME --code CODE | --epci SIREN) …`:
scaffold a territory directory from contour files (observatoire.scaffold).

Properties carrying codes and names are recognised (IGN Admin Express: INSEE_COM, NOM, POPULATION;
Contours IRIS: CODE_IRIS, NOM_IRIS, INSEE_COM, TYP_IRIS) or named with --communes-id and the like.
With --epci, the member communes, their names and legal populations come from the referential
@etalab/decoupage-administratif (npm, in node_modules), checked against the contours.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from observatoire.errors import UserError
from observatoire.referential import PACKAGE, load_epci
from observatoire.scaffold import (
    DEFAULT_LICENCE,
    LAYOUT,
    PLACEHOLDER_CONTACT,
    Identity,
    LayerSource,
    Scaffold,
    code_kind_of,
    new_territory,
)

GENERIC_SHORT_NAME = "le territoire"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("territory", help="créer un dossier de territoire",
                                   description="Outils du dossier de territoire (observatoire.yaml).")
    actions = parser.add_subparsers(dest="action", required=True)
    new = actions.add_parser(
        "new", help="créer un territoire à partir des contours de ses communes et de ses IRIS",
        description="Crée un dossier de territoire : observatoire.yaml commenté, contours, description de "
        "l'enquête et catalogue de l'exemple, modèles de marges, table des valeurs vide. Lancez ensuite "
        "« observatoire check --territory DOSSIER ».",
    )
    new.add_argument("dir", metavar="DOSSIER", type=Path, help="dossier à créer (nouveau ou vide)")
    new.add_argument("--communes", metavar="FICHIER.geojson", type=Path, required=True,
                     help="contours des communes (GeoJSON WGS84, ex. IGN Admin Express)")
    new.add_argument("--iris", metavar="FICHIER.geojson", type=Path,
                     help="contours des IRIS (GeoJSON WGS84, ex. Contours IRIS) ; facultatif")
    new.add_argument("--name", help="nom du territoire (« Agglomération de Valmont ») ; avec --epci : celui du référentiel")
    new.add_argument("--code", help="code officiel du territoire (SIREN de l'EPCI, code du département…)")
    new.add_argument("--epci", metavar="SIREN",
                     help=f"au lieu de --name et --code : communes membres, noms et populations légales de l'EPCI "
                     f"pris dans le référentiel {PACKAGE}")
    new.add_argument("--referentiel", metavar="DOSSIER", type=Path,
                     help=f"dossier du paquet {PACKAGE} (défaut : node_modules du projet)")
    new.add_argument("--short-name", help="désignation pour les phrases, avec son article (« l'agglomération »)")
    new.add_argument("--code-kind", help="nature du code (SIREN, departement, commune…) ; défaut : déduite du code")
    new.add_argument("--contact", default=PLACEHOLDER_CONTACT, help="contact de l'observatoire (courriel ou page)")
    new.add_argument("--licence", default=DEFAULT_LICENCE, help=f"licence des données publiées (défaut : {DEFAULT_LICENCE})")
    for option, what in (("--communes-id", "le code Insee"), ("--communes-name", "le nom"),
                         ("--communes-population", "la population légale")):
        new.add_argument(option, metavar="PROPRIÉTÉ", help=f"propriété des contours des communes portant {what}")
    for option, what in (("--iris-id", "le code IRIS"), ("--iris-name", "le nom"),
                         ("--iris-commune", "le code Insee de la commune")):
        new.add_argument(option, metavar="PROPRIÉTÉ", help=f"propriété des contours IRIS portant {what}")
    new.set_defaults(func=run_new)


def run_new(args: argparse.Namespace) -> int:
    epci = None
    if args.epci is not None:
        if args.code is not None:
            raise UserError("--code et --epci ne vont pas ensemble : avec --epci, le code est le SIREN de l'EPCI.",
                            "Retirez --code.")
        epci = load_epci(args.epci, args.referentiel)
        name, code = args.name or epci.name, epci.siren
        short_name, code_kind = args.short_name or epci.short_name, args.code_kind or "SIREN"
    else:
        if not args.name or not args.code:
            raise UserError("Indiquez le nom et le code du territoire (--name et --code), ou --epci SIREN.",
                            "Exemple : --name \"Agglomération de Valmont\" --code 200012345")
        name, code = args.name, args.code.strip()
        short_name, code_kind = args.short_name or GENERIC_SHORT_NAME, args.code_kind or code_kind_of(code)
    identity = Identity(name, short_name, code, code_kind, args.contact, args.licence)
    communes = LayerSource(args.communes, args.communes_id, args.communes_name,
                           population_property=args.communes_population)
    iris = LayerSource(args.iris, args.iris_id, args.iris_name, commune_property=args.iris_commune) if args.iris else None
    report = new_territory(args.dir, identity, communes, iris, epci)
    print("\n".join(report_lines(report, identity, epci.source_fr() if epci else None)))
    return 0


def report_lines(report: Scaffold, identity: Identity, referential: str | None) -> list[str]:
    props = report.properties
    lines = [f"Territoire créé : {report.root} — « {identity.name} » ({identity.code_kind} {identity.code}, "
             f"« {identity.short_name} » dans les phrases)"]
    if referential:
        lines.append(f"  Communes membres, noms et populations légales : {referential}")
    lines.append(f"  Communes : {report.communes} ({LAYOUT['geo.communes.file']} ; code : {props['geo.communes.id_property']}, "
                 f"nom : {props['geo.communes.name_property']}, population : "
                 f"{props.get('geo.communes.population_property', 'aucune')})")
    if report.iris:
        kind = props.get("geo.iris.type_property", "aucun")
        lines.append(f"  IRIS : {report.iris} ({LAYOUT['geo.iris.file']} ; code : {props['geo.iris.id_property']}, "
                     f"nom : {props['geo.iris.name_property']}, commune : {props['geo.iris.commune_property']}, "
                     f"type : {kind})")
        if report.without_iris:
            lines.append(f"  Communes sans IRIS (une seule zone, ses répondants sans code IRIS) : "
                         f"{', '.join(report.without_iris)}")
    else:
        lines.append("  Sans contours IRIS : ni carte ni classement par IRIS (les pages le disent).")
    lines += [f"  Note : {note}" for note in report.notes]
    survey = "data/survey.csv" + (" et les covariables des IRIS dans data/iris_covariates.csv" if report.iris else "")
    lines += [
        "Écrit : observatoire.yaml (chaque clé expliquée), contours, description de l'enquête et catalogue de "
        "l'exemple (déclaré « demonstration »), modèles de marges (totaux à 0), table des valeurs vide.",
        "Prochaines étapes :",
        f"  1. déposez l'enquête dans {survey} ;",
        f"  2. remplissez les marges ({LAYOUT['survey.margins']}/*.csv) avec les chiffres de l'Insee "
        "(docs/guide-territoire.md) ;",
        f"  3. observatoire check --territory {report.root}",
        f"  Pour essayer sur des données de démonstration : observatoire demo --territory {report.root}",
    ]
    if identity.contact == PLACEHOLDER_CONTACT:
        lines.append("  Pensez au contact (clé contact d'observatoire.yaml, ou --contact).")
    return lines

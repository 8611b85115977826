"""Findings of `observatoire check`: one stable code per kind of problem, with French message and
hint templates (the approach of `observatoire.validation.findings`, whose codes the survey part
reuses as they are).

Templates are filled with `str.format` from the finding's `column`, `key`, `value` and extra
parameters. A finding locates the problem in a file: `row` is the line a spreadsheet shows
(header = 1) for CSV files, the feature number (from 1) for GeoJSON files; `column` a CSV column
or a GeoJSON property; `key` an observatoire.yaml key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from observatoire.validation.findings import Finding as SurveyFinding
from observatoire.validation.findings import FindingType as CheckType

_CATALOGUE = (
    # observatoire.yaml
    CheckType("config_missing", "configuration absente", "Aucun fichier observatoire.yaml dans ce dossier.",
              "Donnez le dossier d'un territoire, ou créez-en un avec « observatoire territory new »."),
    CheckType("config_unreadable", "configuration illisible", "{problem}", "{what_to_do}"),
    CheckType("config_key", "clé de configuration", "{problem}", "{what_to_do}"),
    CheckType("config_placeholder", "valeur à compléter", "La clé « {key} » vaut encore « {value} ».",
              "Indiquez l'adresse électronique ou la page de contact de l'observatoire (elle figure dans la "
              "déclaration d'accessibilité du site public)."),
    # contours
    CheckType("geo_unreadable", "contours illisibles", "{problem}", "{what_to_do}"),
    CheckType("geo_geometry", "géométrie invalide", "Contour {label} : {problem}.",
              "Corrigez la géométrie (Polygon ou MultiPolygon en longitude/latitude WGS84, anneaux fermés), "
              "par exemple : ogr2ogr -f GeoJSON -t_srs EPSG:4326 -makevalid sortie.geojson entree.geojson"),
    CheckType("geo_property_missing", "propriété absente", "Contour {label} : la propriété « {column} » ({what}) "
              "est absente ou vide.", "Renseignez-la, ou corrigez le nom de la propriété dans observatoire.yaml "
              "(clé {key})."),
    CheckType("geo_code_format", "code mal formé", "Contour {label} : le code « {value} » n'est pas {expected}.",
              "Vérifiez la propriété choisie dans observatoire.yaml (clé {key}) : elle doit porter le code Insee."),
    CheckType("geo_duplicate_code", "code en double", "Le code « {value} » est porté par plusieurs contours "
              "(entités {rows}).", "Fusionnez les morceaux d'un même territoire en un seul MultiPolygon, ou "
              "corrigez le code."),
    CheckType("geo_population", "population illisible", "Contour {label} : la population « {value} » n'est pas un "
              "nombre entier positif.", "Corrigez la valeur, ou retirez geo.communes.population_property."),
    CheckType("geo_iris_type", "type d'IRIS inconnu", "Contour {label} : type d'IRIS « {value} » inconnu.",
              "Types de l'Insee : H (habitat), A (activité), D (divers), Z (commune non découpée)."),
    CheckType("geo_iris_commune", "commune de l'IRIS inconnue", "IRIS {label} : sa commune « {value} » n'est pas "
              "une commune du territoire.", "Retirez cet IRIS des contours, ou ajoutez sa commune aux contours des "
              "communes (même millésime pour les deux fichiers)."),
    CheckType("geo_iris_prefix", "code IRIS hors de sa commune", "IRIS {label} : son code ne commence pas par celui "
              "de sa commune « {commune} ».", "Les 5 premiers caractères d'un code IRIS sont le code Insee de sa "
              "commune : corrigez le code ou la commune."),
    CheckType("geo_iris_outside", "IRIS hors de sa commune", "IRIS {label} : son centre ({lon} ; {lat}) est hors du "
              "contour de sa commune {commune}.", "Vérifiez que les deux fichiers sont du même millésime et dans la "
              "même projection (WGS84), et que l'IRIS est rattaché à la bonne commune."),
    # margins
    CheckType("margins_file_missing", "fichier de marges absent", "Le fichier de marges de « {variable} » est absent.",
              "Créez-le avec les colonnes {columns} (une ligne par modalité) ; « observatoire territory new » en "
              "écrit un modèle."),
    CheckType("margins_unreadable", "marges illisibles", "{problem}", "Enregistrez le fichier en CSV UTF-8, "
              "séparateur « , »."),
    CheckType("margins_columns", "colonnes des marges", "Colonnes trouvées : {found} ; attendues : {columns}.",
              "Renommez ou réordonnez les colonnes de la ligne d'en-tête."),
    CheckType("margins_unknown_category", "modalité inconnue", "« {value} » n'est pas une modalité de « {column} » "
              "({allowed}).", "Corrigez la modalité, ou supprimez la ligne."),
    CheckType("margins_missing_category", "modalité absente", "Aucune ligne pour « {value} » ({column}).",
              "Ajoutez une ligne pour cette modalité, avec son effectif de 15 ans ou plus."),
    CheckType("margins_duplicate_category", "modalité en double", "« {value} » apparaît plusieurs fois.",
              "Gardez une seule ligne par modalité (additionnez les effectifs)."),
    CheckType("margins_total_invalid", "total invalide", "Le total « {value} » n'est pas un nombre positif.",
              "Indiquez l'effectif de la population de 15 ans ou plus (nombre, point ou virgule décimale)."),
    CheckType("margins_total_zero", "total nul", "Le total de « {category} » vaut 0 : aucun répondant de cette "
              "modalité ne pourrait être pondéré.", "Indiquez l'effectif de l'Insee pour cette modalité."),
    CheckType("margins_unfilled", "marges à remplir", "Tous les totaux valent 0 : le fichier est encore un modèle.",
              "Remplissez la colonne total avec les effectifs de 15 ans ou plus du recensement (Insee) ; voir "
              "docs/guide-territoire.md."),
    CheckType("margins_totals_differ", "totaux différents", "Les totaux généraux des marges diffèrent : {totals}.",
              "Le calage exige le même total dans chaque fichier : ramenez les tableaux par âge × sexe et par "
              "diplôme au total des communes (règle de trois) s'ils viennent d'un autre millésime."),
    # covariates
    CheckType("covariates_unreadable", "covariables illisibles", "{problem}", "{what_to_do}"),
    CheckType("covariates_missing_iris", "IRIS sans covariables", "L'IRIS « {value} » ({name}) des contours n'a pas "
              "de ligne dans le fichier des covariables.", "Ajoutez sa ligne (le modèle sur petits domaines "
              "estime chaque IRIS des contours)."),
    CheckType("covariates_survey_iris", "IRIS de l'enquête sans covariables", "L'IRIS « {value} », présent dans "
              "l'enquête, n'a pas de ligne dans le fichier des covariables.", "Ajoutez sa ligne."),
    CheckType("covariates_unknown_iris", "IRIS inconnu", "L'IRIS « {value} » n'est pas dans les contours IRIS du "
              "territoire.", "Retirez la ligne, ou vérifiez le millésime des contours et des covariables."),
    CheckType("covariates_wrong_commune", "commune incohérente", "L'IRIS « {value} » est rattaché à la commune "
              "{declared} dans ce fichier, à {commune} dans les contours.", "Corrigez la colonne commune."),
    CheckType("covariates_missing_value", "valeur manquante", "La covariable « {column} » est vide pour l'IRIS "
              "« {value} ».", "Renseignez-la (part entre 0 et 1) ; à défaut de donnée à l'IRIS, prenez la valeur de "
              "la commune et dites-le dans vos sources."),
    # survey
    CheckType("survey_unusable", "enquête non vérifiable", "{problem}", "{what_to_do}"),
    # catalogue, values, inventories
    CheckType("catalog_invalid", "catalogue invalide", "{problem}", "{what_to_do}"),
    CheckType("values_invalid", "valeur invalide", "{problem}", "{what_to_do}"),
    CheckType("values_geo_code", "code géographique inconnu", "{what} « {value} » n'est pas {expected}.",
              "Corrigez geo_code (code du territoire dans observatoire.yaml, code Insee d'une de ses communes ou "
              "code d'un de ses IRIS)."),
    CheckType("inventory_missing", "inventaire absent", "{indicators} à partir de « {value} », absent du "
              "dossier des inventaires.", "Déposez ce fichier dans le dossier "
              "indicators.inventories, ou passez l'indicateur en source « file »."),
    CheckType("inventory_invalid", "inventaire invalide", "{problem}", "{what_to_do}"),
)
CATALOGUE: dict[str, CheckType] = {kind.code: kind for kind in _CATALOGUE}


@dataclass(frozen=True)
class Finding:
    """One problem of the territory; `part` is one of `report.PARTS`."""

    part: str
    code: str
    file: str
    row: int | None
    column: str | None
    key: str | None
    value: str | None
    message: str
    hint: str

    def to_dict(self) -> dict:
        return asdict(self)

    def line_fr(self) -> str:
        """« survey/margins/commune.csv, ligne 4, colonne total : … Que faire : … » (a GeoJSON file
        has entities and properties)"""
        contour = self.file.endswith((".geojson", ".json"))
        where = [self.file]
        if self.row is not None:
            where.append(f"{'entité' if contour else 'ligne'} {self.row}")
        if self.column is not None:
            where.append(f"{'propriété' if contour else 'colonne'} {self.column}")
        if self.key is not None:
            where.append(f"clé {self.key}")
        return f"{', '.join(where)} : {self.message} Que faire : {self.hint}"


def make(part: str, code: str, file: str, row: int | None = None, column: str | None = None, key: str | None = None,
         value: object = None, **params: object) -> Finding:
    kind = CATALOGUE[code]
    value = None if value is None else str(value)
    fill = {"column": column, "key": key, "value": value, **params}
    return Finding(part, code, file, row, column, key, value, kind.message.format(**fill), kind.hint.format(**fill))


def from_message(part: str, code: str, file: str, message: str, hint: str = "", **where) -> Finding:
    """A finding whose words come from a French error already written elsewhere (UserError)."""
    return make(part, code, file, problem=message, what_to_do=hint or "Corrigez le fichier puis relancez.", **where)


def from_survey(finding: SurveyFinding, file: str) -> Finding:
    """A survey validation finding, code and words kept."""
    return Finding("survey", finding.code, file, finding.row, finding.column, None, finding.value,
                   finding.message, finding.hint)

"""Validation findings: one stable code per kind of problem, with French message templates.

The catalogue is data (code -> title, message template, hint template) so that the README table,
the CLI and the app all show the same words, and a test can check every code is documented.
Templates are filled with `str.format` from the finding's `column`, `value` and extra
parameters named in braces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import pandas as pd

from observatoire.errors import echo
from observatoire.formatting import fmt_number

# Findings a report lists by default (the first ones in file order); every finding is counted.
# A junk upload can hold a million problems: listing them all would keep hundreds of MB alive.
MAX_FINDINGS = 1000


@dataclass(frozen=True)
class FindingType:
    code: str
    title: str  # short French name, used in summaries
    message: str
    hint: str


_CATALOGUE = (
    FindingType("empty_file", "fichier vide", "Le fichier est vide.", "Exportez à nouveau le fichier : il doit contenir une ligne d'en-tête (noms des colonnes) puis une ligne par répondant."),
    FindingType("header_only", "aucune réponse", "Le fichier ne contient que la ligne d'en-tête, aucune réponse.", "Exportez le fichier avec les réponses : une ligne par répondant sous la ligne d'en-tête."),
    FindingType("missing_column", "colonne absente", "La colonne « {column} » ({label}) est absente.", "Ajoutez cette colonne, avec exactement ce nom dans la ligne d'en-tête.{suggestion}"),
    FindingType("unexpected_column", "colonne inattendue", "La colonne « {column} » ne fait pas partie du questionnaire.", "Supprimez-la, ou renommez-la avec un nom attendu (liste dans survey/schema.yaml).{suggestion}"),
    FindingType("duplicate_column", "colonne en double", "La colonne « {column} » apparaît plusieurs fois dans la ligne d'en-tête.", "Gardez une seule colonne de ce nom et supprimez les autres."),
    FindingType("wrong_field_count", "ligne mal découpée", "Cette ligne compte {value} valeurs alors que l'en-tête compte {expected} colonnes.", "Une valeur contient sans doute le séparateur (« ; » ou « , ») sans guillemets : corrigez la ligne ou exportez à nouveau le fichier depuis le tableur."),
    FindingType("wrong_type", "type incorrect", "La valeur « {value} » n'est pas {expected}.", "Valeurs attendues dans « {column} » : {allowed}."),
    FindingType("value_not_in_codebook", "valeur hors nomenclature", "La valeur « {value} » ne fait pas partie des modalités prévues pour « {column} ».", "Valeurs attendues : {allowed}."),
    FindingType("value_out_of_range", "valeur hors limites", "La valeur « {value} » est hors des limites prévues pour « {column} ».", "Valeurs attendues : {allowed}."),
    FindingType("unknown_commune", "commune inconnue", "Le code commune « {value} » n'est pas celui d'une des {n_communes} communes du territoire.", "Indiquez le code Insee à 5 chiffres de la commune de résidence (par exemple {example_code} pour {example_name}), pas le code postal."),
    FindingType("unknown_iris", "IRIS inconnu", "Le code IRIS « {value} » n'existe pas dans le découpage IRIS du territoire.", "Indiquez le code IRIS Insee à 9 caractères (code commune suivi de 4 chiffres), tel qu'il figure dans les contours IRIS du territoire ; laissez-le vide si la commune n'est pas découpée en IRIS."),
    FindingType("iris_outside_commune", "IRIS hors de sa commune", "L'IRIS « {value} » appartient à la commune {iris_commune} ({iris_commune_name}), pas à la commune déclarée {commune}.", "Corrigez la commune ou l'IRIS de ce répondant : les 5 premiers chiffres de l'IRIS sont le code de sa commune."),
    FindingType("duplicate_id", "identifiant en double", "L'identifiant « {value} » est déjà utilisé ligne {first_row}.", "Chaque répondant doit avoir un identifiant unique : supprimez la ligne en double ou corrigez l'identifiant."),
    FindingType("missing_weight", "poids manquant", "Le poids de sondage est manquant.", "Renseignez pour chaque répondant le poids fourni par l'institut d'enquête."),
    FindingType("nonpositive_weight", "poids nul ou négatif", "Le poids de sondage vaut {value} : il doit être strictement positif.", "Corrigez le poids fourni par l'institut d'enquête, ou retirez ce répondant du fichier."),
    FindingType("missing_required_value", "valeur manquante", "La colonne « {column} » est vide pour ce répondant.", "Renseignez une valeur parmi : {allowed}."),
    FindingType("exact_age_forbidden", "âge exact ou date de naissance", "{what}, ce qui permet d'identifier les personnes : le fichier est refusé.", "Supprimez les âges exacts et les dates de naissance ; donnez l'âge en tranches dans la colonne « {age_column} » ({bands})."),
    FindingType("answer_outside_universe", "réponse hors du sous-groupe interrogé", "La colonne « {column} » a une réponse (« {value} ») alors que la question n'est posée qu'aux {universe} et que ce répondant n'en fait pas partie.", "Videz cette réponse, ou corrigez les réponses qui définissent ce sous-groupe (variable dérivée « {derived} » de codebook.yaml)."),
    FindingType("undecodable_text", "texte illisible", "La valeur « {value} » contient des caractères illisibles (ni UTF-8 ni Windows-1252).", "Enregistrez à nouveau le fichier au format « CSV UTF-8 » depuis votre tableur, puis vérifiez cette valeur."),
)
CATALOGUE: dict[str, FindingType] = {kind.code: kind for kind in _CATALOGUE}


@dataclass(frozen=True)
class Finding:
    code: str
    file: str
    row: int | None  # as a spreadsheet user numbers it: header = 1; None for the whole file
    column: str | None
    value: str | None
    message: str
    hint: str

    def to_dict(self) -> dict:
        return asdict(self)

    def line_fr(self) -> str:
        """« Ligne 14, colonne weight : … Que faire : … »"""
        where = [f"Ligne {self.row}" if self.row is not None else "Fichier"]
        if self.column is not None:
            where.append(f"colonne {self.column}")
        return f"{', '.join(where)} : {self.message} Que faire : {self.hint}"


def make_finding(code: str, file: str, row: int | None = None, column: str | None = None, value: str | None = None, **params: object) -> Finding:
    """A finding of a catalogued kind; `params` fill the templates' extra placeholders. The value
    and column name from the file are kept and quoted cut to 80 characters (`echo`)."""
    kind = CATALOGUE[code]
    value = None if value is None else echo(value)
    column = None if column is None else echo(column)
    fill = {"column": column, "value": value, **params}
    return Finding(code, file, row, column, value, kind.message.format(**fill), kind.hint.format(**fill))


@dataclass(frozen=True)
class ValidationReport:
    """`findings` lists the first findings in file order (all of them unless the validation was
    given a limit); `counts` counts every finding by code, listed or not."""

    file: str
    n_rows: int
    findings: tuple[Finding, ...]
    data: pd.DataFrame | None  # typed frame, only when the file is valid
    counts: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.counts and self.findings:
            object.__setattr__(self, "counts", dict(Counter(finding.code for finding in self.findings)))

    @property
    def total(self) -> int:
        """Every finding, listed or not."""
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        return self.total == 0

    def summary_fr(self) -> str:
        rows = f"{fmt_number(self.n_rows)} ligne{'s' if self.n_rows > 1 else ''}"
        if self.ok:
            return f"Fichier valide : {self.file} ({rows} de réponses)."
        detail = ", ".join(f"{CATALOGUE[code].title} ({fmt_number(n)})" for code, n in Counter(self.counts).most_common())
        total = self.total
        return f"Fichier non valide : {self.file} ({rows} de réponses), {fmt_number(total)} problème{'s' if total > 1 else ''} : {detail}."

    def lines_fr(self, per_kind: int = 20) -> list[str]:
        """One line per finding, at most `per_kind` per (code, column), then a count of the rest."""
        shown: Counter = Counter()
        lines: list[str] = []
        for finding in self.findings:
            key = (finding.code, finding.column)
            shown[key] += 1
            if shown[key] <= per_kind:
                lines.append(finding.line_fr())
        for (code, column), n in shown.items():
            if n > per_kind:
                where = f" dans la colonne {column}" if column is not None else ""
                lines.append(f"… et {fmt_number(n - per_kind)} autres problèmes « {CATALOGUE[code].title} »{where} (liste complète avec --json).")
        if self.total > len(self.findings):
            lines.append(f"… et {fmt_number(self.total - len(self.findings))} autres problèmes plus loin dans le fichier.")
        return lines

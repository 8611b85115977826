"""« Comprendre les chiffres »: the one owner of the words a reader may not know.

Each term has an anchor (its place on the glossary page of the app, `/comprendre#anchor`, and of
the site, `comprendre.html#anchor`), a title, a one-sentence definition in plain French, and the
patterns that tell a page shows it (`shows`): a page showing a term links to its entry. The app's
page and the site's page render `entries(territory, communes)`; pages link with `app_link` (Markdown)
and `site_link` (HTML); `shown_terms(text)` says which entries a text needs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from observatoire.formatting import fmt_number

APP_PAGE = "comprendre"  # the app page's url_path (app.py)
SITE_PAGE = "comprendre.html"
TITLE = "Comprendre les chiffres"
INTRO = ("Les mots des statistiques utilisés dans cet observatoire, expliqués en une phrase. "
         "Chaque page renvoie ici quand elle emploie l'un d'eux.")


@dataclass(frozen=True)
class Term:
    anchor: str
    title: str
    definition: str
    shows: tuple[str, ...] = ()  # regular expressions: a page whose text matches one links here


TERMS: tuple[Term, ...] = (
    Term("iris", "IRIS (quartier)",
         "Petit quartier découpé par l'Insee pour ses statistiques, d'environ 2 000 habitants : c'est l'échelle la "
         "plus fine des cartes et du classement des quartiers.",
         (r"\bIRIS\b",)),
    Term("intervalle-de-confiance", "Intervalle de confiance (IC)",
         "La fourchette dans laquelle se trouve très probablement la vraie valeur : avec un intervalle à 95 %, on ne "
         "se trompe qu'une fois sur vingt, et plus la fourchette est large, moins le chiffre est précis.",
         (r"intervalle de confiance", r"\bIC\b")),
    Term("marge-d-erreur", "Marge d'erreur",
         "L'écart possible entre le chiffre calculé à partir des personnes interrogées et la vraie valeur pour tous "
         "les habitants ; l'intervalle de confiance la montre.",
         (r"marge d'erreur",)),
    Term("effectif", "Effectif (n)",
         "Le nombre de personnes qui ont réellement répondu dans un groupe, avant pondération : plus il est petit, "
         "moins le chiffre est sûr.",
         (r"\bn = ", r"\(n\)")),
    Term("ponderation", "Pondération et calage",
         "Chaque répondant compte pour un certain nombre d'habitants, et ces poids sont ajustés (calage, « raking » "
         "en anglais) pour que les répondants aient la même répartition par commune, âge, sexe et diplôme que la "
         "population du recensement.",
         (r"\bcalage\b", r"\bpondér", r"\bcalés\b", r"\braking\b")),
    Term("coefficient-de-variation", "Coefficient de variation (CV)",
         "L'imprécision d'un chiffre rapportée à sa valeur (écart-type divisé par l'estimation) : au-delà de 30 %, "
         "le chiffre est signalé fragile.",
         (r"coefficient de variation", r"\bCV\b")),
    Term("chiffre-fragile", "Chiffre fragile (« à interpréter avec prudence »)",
         "Un chiffre publié mais calculé sur peu de répondants ou trop imprécis : il est marqué ⚠ et sa fourchette "
         "doit être lue avant lui.",
         (r"\bfragiles?\b", r"avec prudence")),
    Term("donnee-non-diffusee", "Donnée non diffusée (secret statistique)",
         "Un chiffre calculé sur trop peu de répondants, ou qui permettrait d'en retrouver un tel par soustraction, "
         "n'est pas publié, pour protéger les personnes interrogées et parce qu'il serait trop incertain.",
         (r"non diffusée?s?\b", r"secret statistique", r"secret secondaire")),
    Term("estimation-directe", "Estimation directe",
         "Le chiffre calculé avec les seuls répondants de la zone, sans rien emprunter aux autres zones.",
         (r"estimation directe",)),
    Term("estimation-par-modele", "Estimation par modèle (petits domaines)",
         "Quand un quartier compte trop peu de répondants, son chiffre combine ses réponses avec ce qu'on observe dans "
         "les quartiers qui lui ressemblent (âge, diplôme, pauvreté, couverture internet) ; les statisticiens "
         "appellent cette méthode le modèle de Fay-Herriot, et le chiffre combiné un EBLUP.",
         (r"petits domaines", r"Fay.Herriot", r"\bEBLUP\b", r"estimation par modèle", r"modèle seul")),
    Term("indice-de-fragilite", "Indice de fragilité numérique",
         "Une note de 1 à 10 qui résume six indicateurs du quartier (part en difficulté, âge, diplôme, pauvreté, "
         "couverture internet fixe et mobile) ; elle s'inspire de l'indice de fragilité numérique (IFN) de la MedNum "
         "et de l'ANSA.",
         (r"indice de fragilité", r"\bIFN\b")),
    Term("decile", "Décile",
         "La position d'un quartier parmi ceux du territoire, de 1 (les 10 % les moins concernés) à 10 (les 10 % "
         "les plus concernés).",
         (r"\bdéciles?\b",)),
    Term("rang", "Rang et intervalle de rang",
         "La place d'un quartier dans le classement, et les places entre lesquelles il se situe avec 95 % de "
         "probabilité compte tenu de l'incertitude des chiffres.",
         (r"intervalle de rang",)),
    Term("priorite", "Priorité 1, 2, 3",
         "Priorité 1 : plus d'une chance sur deux d'être parmi les quartiers retenus ; priorité 2 : moins, mais sans "
         "s'en distinguer nettement ; priorité 3 : nettement au-delà.",
         (r"\b[Pp]riorité [123]\b",)),
    Term("lieu-de-mediation", "Lieu de médiation numérique",
         "Un lieu où l'on peut se faire aider pour utiliser le numérique (France services, conseiller numérique, "
         "espace public numérique…), d'après le fichier national de ces lieux.",
         (r"lieux? de médiation",)),
    Term("vague", "Vague d'enquête",
         "Une édition de l'enquête, menée une année donnée auprès de nouvelles personnes ; comparer deux vagues "
         "montre l'évolution."),
    Term("cible-2026", "Cible 2026",
         "La valeur que l'indicateur d'un engagement doit atteindre en 2026, votée avec l'engagement."),
    Term("projection", "Projection",
         "La valeur que l'on atteindrait en 2026 si la tendance observée continuait, avec sa fourchette "
         "(intervalle de prédiction).",
         (r"\bprojection", r"intervalle de prédiction")),
    Term("statut", "Statut de progression",
         "Où en est un engagement : son évolution depuis l'année de référence comparée à celle qu'il faudrait pour "
         "atteindre la cible (méthode d'Open SDG, inspirée d'Eurostat)."),
    Term("demonstration", "Données de démonstration",
         "Des données inventées, tirées au hasard pour montrer le fonctionnement de l'observatoire : elles ne "
         "décrivent pas les habitants et ne doivent pas être citées."),
)


def territory_terms(name: str, of_name: str, communes: int | None) -> tuple[Term, ...]:
    """The territory's own words, from its description (name, « de la communauté »…, communes)."""
    counted = f"les {fmt_number(communes)} communes" if communes else "les communes"
    return (
        Term("territoire", "Territoire", f"{name} : {counted} couvertes par l'observatoire, prises ensemble."),
        Term("commune", "Commune",
             f"Chacune des communes {of_name} ; les chiffres par commune reposent sur les répondants qui y habitent."),
    )


def entries(name: str, of_name: str, communes: int | None = None, demo: bool = True) -> tuple[Term, ...]:
    """Every entry of the glossary page, the territory's words first; without `demo` (every input
    is real), no entry on demonstration data: nothing is said of it when there is none."""
    return territory_terms(name, of_name, communes) + tuple(t for t in TERMS if demo or t.anchor != "demonstration")


ANCHORS = {term.anchor: term for term in TERMS}


def app_link(anchor: str, text: str | None = None) -> str:
    """A Markdown link to an entry of the app's glossary page (relative: works under any base URL)."""
    return f"[{text or ANCHORS[anchor].title}]({APP_PAGE}#{anchor})"


def site_link(anchor: str, text: str | None = None) -> str:
    """An HTML link to an entry of the site's glossary page."""
    return f'<a href="{SITE_PAGE}#{anchor}">{html.escape(text or ANCHORS[anchor].title, quote=False)}</a>'


def shown_terms(texts: Iterable[str]) -> list[Term]:
    """The entries whose words occur in `texts`, in glossary order."""
    joined = "\n".join(texts)
    return [term for term in TERMS if any(re.search(pattern, joined) for pattern in term.shows)]


def app_links(anchors: Iterable[str]) -> str:
    """« Comprendre : IRIS · intervalle de confiance » as Markdown, for a page's caption."""
    return "Comprendre les mots : " + " · ".join(app_link(a) for a in anchors)


def site_links(terms: Iterable[Term]) -> str:
    """The same line for a site page (HTML), or "" when the page needs none."""
    links = [site_link(term.anchor) for term in terms]
    return f'<p class="note">Comprendre les mots : {" · ".join(links)}.</p>\n' if links else ""

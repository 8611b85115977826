"""Build the static public site: every page and open-data file, written once into a directory.

`render_site(data, config)` returns the files as text/bytes (pure, what tests read);
`build_site(data, config, out)` writes them and returns each page's weight and request count.
Pages are plain HTML with one inlined stylesheet and inline SVG charts: no script, no web font,
no outside request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from observatoire import disclosure, glossary
from observatoire.errors import UserError
from observatoire.formatting import WITHHELD, ci_long, ci_short, fmt_interval, fmt_number
from observatoire.commitments import divergences
from observatoire.labels import group_labels, variable_label
from observatoire.site import survey
from observatoire.site.budget import PageWeight, page_weight
from observatoire.site.commitments import commitments_page, status_table
from observatoire.site.data import SiteConfig, SiteData
from observatoire.site.markup import Frame, esc, heading, html_text, link, page, paragraphs
from observatoire.site.methodology import CONFORMITY, accessibility_page, methodology_page
from observatoire.site.opendata import OpenFile, downloads_page, open_files
from observatoire.viz.legend import flag_label, fmt_value


@dataclass(frozen=True)
class Site:
    pages: dict[str, str]  # file name -> HTML
    files: list[OpenFile]  # open data


def headline_card(data: SiteData, row) -> str:
    label = esc(variable_label(data.spec, row["variable"]))
    if row["flag"] == "withheld":
        return f'<li><span class="figure">{esc(WITHHELD)}</span>{label}</li>'
    details = (f"{ci_short(data.settings['ci_level'])} : {fmt_interval(row['ci_low'], row['ci_high'])} · {fmt_number(row['n_unweighted'])} "
               f"répondants · {flag_label(row['flag'])}")
    return (f'<li><span class="figure">{esc(fmt_value(row["estimate"]))}</span>{label}'
            f'<br><span class="note">{esc(details)}</span></li>')


def home_page(data: SiteData) -> str:
    """Body of index.html: headline figures of the latest wave, commitments by status, links."""
    parts = [paragraphs(
        f"Inégalités d'accès et d'usage du numérique des habitants {data.territory.of_name()}, mesurées par enquête, et suivi "
        f"des engagements pour un numérique responsable. Chaque chiffre est donné avec son {ci_long(data.settings['ci_level'])} "
        "et le nombre de répondants sur lequel il repose."
    )]
    if data.headline.empty:
        parts.append(paragraphs("Aucun chiffre clé : l'enquête ne contient aucune réponse exploitable."))
    else:
        parts.append(heading(2, f"Chiffres clés, vague {int(data.headline['wave'].iloc[0])}"))
        cards = "".join(headline_card(data, row) for row in data.headline.to_dict("records"))
        parts.append(f'<ul class="cards">{cards}</ul>\n')
    parts += [
        heading(2, "Engagements numérique responsable"),
        status_table(data.progress),
        *([paragraphs(*divergences(data.progress))] if divergences(data.progress) else []),
        heading(2, "Sur ce site"),
        "<ul>",
        f"<li>{link('enquete.html', 'Enquête')} : les indicateurs par commune, âge, sexe et diplôme</li>",
        f"<li>{link('engagements.html', 'Engagements')} : les engagements par thème et leur progression</li>",
        f"<li>{link('methodologie.html', 'Méthodologie')} : plan de sondage, calage, règles de diffusion</li>",
        f"<li>{link('donnees.html', 'Données ouvertes')} : tous les chiffres en fichiers CSV et JSON</li>",
        f"<li>{link(glossary.SITE_PAGE, glossary.TITLE)} : les mots des statistiques, expliqués</li>",
        "</ul>\n",
    ]
    return "".join(parts)


def glossary_page(data: SiteData) -> str:
    """Body of comprendre.html: the glossary, the same entries as the app's page."""
    territory = data.territory
    terms = glossary.entries(territory.name, territory.of_name(), len(data.geography.communes), data.is_demo)
    return paragraphs(glossary.INTRO) + "".join(
        heading(2, term.title, term.anchor) + paragraphs(term.definition) for term in terms)


def with_glossary_links(body: str) -> str:
    """`body` followed by links to the glossary entries of the words it shows."""
    return body + glossary.site_links(glossary.shown_terms([html_text(body)]))


def check_disclosure(data: SiteData) -> None:
    """Refuse to publish when a published figure rests on too few respondents or gives a withheld
    one back by subtraction (`disclosure.audit`): the French message names the cells."""
    labels = {kind: group_labels(data.spec, data.geography, kind) for kind in set(data.estimates["domain_type"])}
    labels = {kind: {code: f"{name} ({code})" if kind == "commune" else name for code, name in names.items()}
              for kind, names in labels.items()}
    leaks = disclosure.audit(data.estimates, data.settings, labels=labels)
    if leaks:
        shown = "\n".join(f"- {leak.message_fr}" for leak in leaks[:5])
        more = f"\n… et {len(leaks) - 5} autre(s)." if len(leaks) > 5 else ""
        raise UserError(
            f"Site non construit : {len(leaks)} problème(s) de secret statistique dans les estimations publiées.\n"
            f"{shown}{more}",
            "Ne diffusez pas ces cellules : recalculez les résultats avec `observatoire site` (le calcul applique le "
            "secret secondaire) ou retirez-les des tableaux publiés.",
        )


def render_site(data: SiteData, config: SiteConfig) -> Site:
    """Every page and open-data file; refused (UserError) when the disclosure audit finds a leak."""
    check_disclosure(data)
    files = open_files(data, config.built)
    note = f"Produit le {config.built.strftime('%d/%m/%Y')}."
    frame = Frame(config.site_name, data.demo_note, CONFORMITY, note, data.territory.licence or "")
    bodies = [
        ("index.html", "Accueil", home_page(data), "Chiffres clés des inégalités numériques et des engagements."),
        ("enquete.html", "Enquête", survey.overview_page(data), "Indicateurs de l'enquête auprès des habitants."),
        *[(name, title, body, f"{title} : par commune, âge, sexe, diplôme et vague.")
          for name, title, body in (survey.indicator_page(data, v) for v in data.spec.derived)],
        ("engagements.html", "Engagements", commitments_page(data.progress, data.themes),
         "Les engagements numérique responsable et leur progression."),
        ("methodologie.html", "Méthodologie", methodology_page(data), "Méthode, sources et règles de diffusion."),
        ("donnees.html", "Données ouvertes", downloads_page(data, files), "Fichiers de données ouvertes à télécharger."),
        ("accessibilite.html", "Déclaration d'accessibilité", accessibility_page(config),
         "Déclaration d'accessibilité du site (RGAA 4.1)."),
    ]
    bodies = [(name, title, with_glossary_links(body), description) for name, title, body, description in bodies]
    bodies.append((glossary.SITE_PAGE, glossary.TITLE, glossary_page(data), "Les mots des statistiques, expliqués."))
    pages = {name: page(frame, name, title, body, description) for name, title, body, description in bodies}
    return Site(pages, files)


def build_site(data: SiteData, config: SiteConfig, out: Path) -> list[PageWeight]:
    """Write the site into `out` (created if needed); returns each page's weight, in page order."""
    site = render_site(data, config)
    out.mkdir(parents=True, exist_ok=True)
    for name, markup in site.pages.items():
        (out / name).write_text(markup, encoding="utf-8")
    for item in site.files:
        target = out / item.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.content)
    return [page_weight(name, markup) for name, markup in site.pages.items()]

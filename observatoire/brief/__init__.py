"""The council brief: a few A4 pages built from one `Results`, the same figures as the app.

    pdf = build_brief(results)                       # the territory: for the council
    pdf = build_brief(results, commune=code)         # one commune against the territory: for its mayor

Sections (in the order of a council session): cover and summary, headline survey figures with
their change since the previous wave, the map of the headline indicator by commune, the
commitments by theme, the neighbourhoods to target, method and sources. Reproducible: the same
inputs and date give the same bytes (ReportLab's invariant mode, fonts shipped with ReportLab).
No Streamlit import: the CLI (`observatoire brief`) and the app's button call the same function.
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import PageBreak

from observatoire import council
from observatoire.brief import sections
from observatoire.brief.layout import build_pdf, register_fonts
from observatoire.errors import UserError
from observatoire.pipeline import Results


def commune_name(results: Results, commune: str) -> str:
    """The commune's name; a French `UserError` naming the known codes when it is not one of the territory's."""
    names = results.geography.commune_names()
    if commune not in names:
        examples = ", ".join(f"{code} ({name})" for code, name in list(names.items())[:3])
        raise UserError(f"Commune « {commune} » inconnue du territoire {results.territory.name}.",
                        f"Donnez le code d'une de ses {len(names)} communes, par exemple {examples}.")
    return names[commune]


def build_brief(results: Results, *, commune: str | None = None, day: date | None = None) -> bytes:
    """The brief as PDF bytes; `commune`: the one-commune brief; `day`: the date on its cover
    (None: only the years of the data, so the bytes depend on the inputs alone)."""
    register_fonts()  # before any paragraph is made
    territory = results.territory
    footer = f"Observatoire du numérique — {territory.name}"
    ranked = council.top_areas(results, commune)
    if commune is None:
        title = "Note au conseil"
        story = [*sections.cover(results, title, territory.name, day), *sections.summary(results, ranked), PageBreak(),
                 *sections.headline_figures(results), *sections.commune_map(results), PageBreak(),
                 *sections.commitments_section(results), PageBreak(),
                 *sections.areas_section(results, ranked), *sections.method_section(results)]
    else:
        name = commune_name(results, commune)
        title = f"Note pour la commune de {name}"
        footer += f" — {name}"
        story = [*sections.cover(results, title, f"{name}, commune {territory.of_name()} ({territory.name})", day),
                 *sections.versus_section(results, commune, name), PageBreak(),
                 *sections.commune_map(results, highlight=commune),
                 *sections.areas_section(results, ranked, f" à {name}"), PageBreak(),
                 *sections.commitments_summary(results), *sections.method_section(results)]
    return build_pdf(story, title=f"{title} — {territory.name}", author=f"Observatoire du numérique — {territory.name}",
                     footer=footer, demo=results.demo_note, day=day)


def brief_name(results: Results, commune: str | None = None) -> str:
    """File stem: `note_conseil` or `note_commune_<code>`."""
    return "note_conseil" if commune is None else f"note_commune_{commune}"

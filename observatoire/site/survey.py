"""The survey pages: `enquete.html` (every derived indicator, whole population, each wave) and one
page per indicator (`enquete-<indicator>.html`: chart and table by commune, tables by age, sex,
diploma and wave).

One chart per page keeps each page far below the 100 KB budget. Every figure shown carries its
interval (at the `ci_level` setting), its unweighted n and its reliability; a withheld cell shows
« donnée non diffusée » and no number.
"""

from __future__ import annotations

import pandas as pd

from observatoire.formatting import WITHHELD, ci_long, ci_short, fmt_interval, fmt_number
from observatoire.labels import display_order, group_labels, population_note, variable_label
from observatoire.site.data import SiteData
from observatoire.site.figures import inline_svg
from observatoire.site.markup import Cell, esc, heading, link, paragraphs, table
from observatoire.viz.charts import GAP_LABEL, bar_chart
from observatoire.viz.legend import FLAG_NOTES, flag_label, fmt_value

# A share of exactly 0 or 1 has no interval when the setting boundary_interval is "none": said in words.
NO_INTERVAL = "non calculable (part nulle ou totale)"
BREAKDOWN_TITLES = {"age_band": "Par âge", "sex": "Par sexe", "diploma": "Par diplôme"}


def estimate_header(data: SiteData) -> list[str]:
    return ["Part", ci_short(data.settings["ci_level"]), "Répondants (n)", "Fiabilité"]


def page_name(variable: str) -> str:
    return f"enquete-{variable.replace('_', '-')}.html"


def estimate_cells(row: pd.Series) -> list[Cell]:
    """Share, interval, n and reliability of one row; a withheld row shows no estimate at all."""
    n = Cell(fmt_number(row["n_unweighted"]), num=True)
    if row["flag"] == "withheld":
        return [Cell(WITHHELD), Cell("–"), n, Cell(WITHHELD)]
    interval = fmt_interval(row["ci_low"], row["ci_high"])
    return [
        Cell(fmt_value(row["estimate"]), num=True),
        Cell(interval, num=True) if interval != "–" else Cell(NO_INTERVAL),
        n,
        Cell(flag_label(row["flag"])),
    ]


def ordered(rows: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Rows in the codebook's display order (communes: INSEE code order, i.e. alphabetical)."""
    order = {code: position for position, code in enumerate(labels)}
    return rows.sort_values("domain", key=lambda s: s.astype(str).map(order).fillna(len(order)), kind="stable")


def breakdown_table(data: SiteData, variable: str, domain_type: str, wave: int, caption: str, first: str) -> str:
    labels = group_labels(data.spec, data.geography, domain_type)
    rows = ordered(data.rows(variable, domain_type, wave), labels)
    body = [[labels.get(str(r["domain"]), str(r["domain"])), *estimate_cells(r)] for _, r in rows.iterrows()]
    return table(caption, [first, *estimate_header(data)], body)


def chart_description(rows: pd.DataFrame, labels: dict[str, str], label: str, wave: int, level: float) -> str:
    """The chart's text alternative: what it shows, its range and what is not drawn."""
    shown = rows[rows["flag"] != "withheld"]
    text = (f"Diagramme en barres horizontales : {label.lower()}, part par commune en {wave}, chaque barre "
            f"avec son {ci_long(level)}.")
    if not shown.empty:
        low, high = shown.loc[shown["estimate"].idxmin()], shown.loc[shown["estimate"].idxmax()]
        text += (f" De {fmt_value(low['estimate'])} ({labels.get(str(low['domain']), low['domain'])}) à "
                 f"{fmt_value(high['estimate'])} ({labels.get(str(high['domain']), high['domain'])}).")
    fragile, withheld = int((rows["flag"] == "fragile").sum()), int((rows["flag"] == "withheld").sum())
    text += f" {fragile} estimation(s) fragile(s) en barres pâles à contour pointillé ;"
    text += f" {withheld} commune(s) sans barre, marquée(s) « {GAP_LABEL} »." if withheld else " aucune donnée non diffusée."
    return text + " Communes classées de la part la plus haute à la plus basse ; les valeurs figurent dans le tableau qui suit."


def commune_figure(data: SiteData, variable: str, wave: int) -> str:
    labels = group_labels(data.spec, data.geography, "commune")
    rows = display_order(data.rows(variable, "commune", wave), "commune", labels)
    if rows.empty:
        return paragraphs("Aucune estimation par commune pour cette vague.")
    label = variable_label(data.spec, variable)
    level = data.settings["ci_level"]
    chart = bar_chart(rows.assign(domain=rows["domain"].astype(str).map(lambda c: labels.get(c, c))), level=level)
    svg = inline_svg(chart, f"fig-{variable}", f"{label} : part par commune en {wave}",
                     chart_description(rows, labels, label, wave, level))
    caption = (f"Barres : part estimée ; traits noirs : {ci_long(level)}. "
               f"Barres pâles à contour pointillé : {FLAG_NOTES['fragile']}. « {GAP_LABEL} » : {WITHHELD}.")
    return f"<figure>{svg}<figcaption>{esc(caption)}</figcaption></figure>\n"


def waves_table(data: SiteData, variable: str, caption: str) -> str:
    rows = data.rows(variable, "overall").sort_values("wave")
    return table(caption, ["Vague", *estimate_header(data)], [[str(int(r["wave"])), *estimate_cells(r)] for _, r in rows.iterrows()])


def labels_note(data: SiteData, variable: str) -> str:
    """Whom the indicator describes, with the subgroup's n (latest wave) when it was filtered."""
    rows = data.rows(variable, "overall", data.latest_wave)
    return population_note(data.spec, variable, rows).capitalize()


def indicator_page(data: SiteData, variable: str) -> tuple[str, str, str]:
    """(file name, title, body) of one indicator's page."""
    wave = data.latest_wave
    label = variable_label(data.spec, variable)
    derived = data.spec.derived[variable]
    parts = [
        paragraphs(f"Définition : {derived.description_fr}",
                   f"Population : {labels_note(data, variable)}"),
        heading(2, f"Par commune ({wave})"),
        commune_figure(data, variable, wave),
        breakdown_table(data, variable, "commune", wave, f"{label} par commune, {wave}", "Commune"),
        heading(2, f"Par âge, sexe et diplôme ({wave})"),
    ]
    for domain_type, title in BREAKDOWN_TITLES.items():
        parts.append(breakdown_table(data, variable, domain_type, wave, f"{label} : {title.lower()}, {wave}",
                                     title.removeprefix("Par ").capitalize()))
    parts += [heading(2, "Évolution entre vagues"), waves_table(data, variable, f"{label}, ensemble {data.territory.of_name()}")]
    return page_name(variable), label, "".join(parts)


def overview_page(data: SiteData) -> str:
    """Body of enquete.html: each indicator for the whole population, every wave, and its page."""
    waves = sorted(int(w) for w in data.estimates["wave"].unique())
    rows = []
    for variable in data.spec.derived:
        for _, row in data.rows(variable, "overall").sort_values("wave").iterrows():
            rows.append([variable_label(data.spec, variable), str(int(row["wave"])), *estimate_cells(row)])
    links = "".join(f"<li>{link(page_name(v), variable_label(data.spec, v))}</li>" for v in data.spec.derived)
    return "".join([
        paragraphs(
            f"Enquête auprès des {data.spec.population_fr}, vagues {', '.join(map(str, waves))} : parts "
            f"pondérées (calées sur le recensement), avec leur {ci_long(data.settings['ci_level'])} et le nombre de "
            "répondants. Une estimation fondée sur trop peu de répondants n'est pas diffusée.",
        ),
        table(f"Indicateurs de l'enquête, ensemble {data.territory.of_name()}", ["Indicateur", "Vague", *estimate_header(data)], rows),
        heading(2, "Détail par commune, âge, sexe et diplôme"),
        f"<ul>{links}</ul>\n",
    ])

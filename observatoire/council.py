"""What a council session is shown, in its order: headline survey figures with their change
since the previous wave → the commitments by theme → the neighbourhoods to target; and, for a
mayor's meeting, one commune against the whole territory.

Streamlit-free and layout-free: the presentation page and the PDF brief read the same figures
and the same sentences from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from observatoire import commitments, labels
from observatoire.formatting import WITHHELD, fmt_difference
from observatoire.pipeline import HEADLINE, Results
from observatoire.stats import compare
from observatoire.areas.ranking import rank_areas
from observatoire.trends import WaveChange, share_text, wave_change, wave_rows
from observatoire.viz.choropleth import choropleth_chart
from observatoire.viz.legend import quantile_classes
from observatoire.viz.maps import area_figures, text_alternative

TOP_AREAS = 10
AREA_CRITERION = "count"  # where most people in difficulty live: the criterion for siting a help desk
PER_SCREEN = 6  # commitments per presentation screen: large type, no scrolling at 1366×768


@dataclass(frozen=True)
class Figure:
    """One survey indicator: its label, what it measures and its latest value with the change."""

    variable: str
    label: str
    description: str
    change: WaveChange


def figures(results: Results, variables: tuple[str, ...] | None = None) -> list[Figure]:
    """The headline indicators (or `variables`) that have estimates, in that order."""
    spec = results.spec
    chosen = [v for v in (variables or HEADLINE) if v in spec.derived]
    found = [(v, wave_change(results, v)) for v in chosen]
    return [Figure(v, labels.variable_label(spec, v), spec.derived[v].description_fr, change)
            for v, change in found if change is not None]


def headline_variable(results: Results) -> str | None:
    """The indicator the map shows: the first headline indicator with estimates."""
    return next((v for v in HEADLINE if v in results.spec.derived and not wave_rows(results, v).empty), None)


def commitments_by_theme(results: Results) -> list[tuple[str, pd.DataFrame]]:
    """(French theme title, its commitments' progress rows) in the catalogue's theme order."""
    progress = results.progress
    if progress.empty:
        return []
    themes = results.catalog.themes
    return [(themes.get(key, key), progress[progress["theme"] == key]) for key in themes if (progress["theme"] == key).any()]


def status_by_theme(results: Results) -> pd.DataFrame:
    """Commitments per theme (rows, French titles) and status (columns, French labels, in the
    method's order; statuses absent everywhere left out)."""
    progress = results.progress
    if progress.empty:
        return pd.DataFrame()
    labels_ = [label for label in commitments.status_counts(progress)["label"]]
    rows = {theme: [int((part["status_label"] == label).sum()) for label in labels_]
            for theme, part in commitments_by_theme(results)}
    table = pd.DataFrame.from_dict(rows, orient="index", columns=labels_)
    table.index.name = "Thème"
    return table


@dataclass(frozen=True)
class MapFigure:
    """The headline indicator by commune, latest wave: a static choropleth, its subject and its
    text alternative (which names the lowest and highest communes)."""

    chart: object  # an Altair chart
    subject: str
    caption: str


def headline_map(results: Results, highlight: str | None = None, height: int = 470, size: str = "normal") -> MapFigure | None:
    """The map of the first headline indicator by commune; `highlight`: a commune outlined;
    `size`: `presentation` for large type."""
    variable = headline_variable(results)
    if variable is None:
        return None
    wave = results.waves[-1]
    rows = results.estimates
    table = rows[(rows["variable"] == variable) & (rows["domain_type"] == "commune") & (rows["wave"] == wave)]
    geometry = results.geography.commune_shapes
    shown = area_figures(table, geometry, "commune")
    subject = f"{labels.variable_label(results.spec, variable).lower()} ({wave})"
    chart = choropleth_chart(shown, geometry, quantile_classes(shown["estimate"]), legend_title=f"Part, {wave}",
                             highlight=highlight, height=height, size=size)
    caption = (text_alternative(shown, subject, "commune") + " Classes par quantiles ; gris : donnée non diffusée ; "
               "contour pointillé vermillon : estimation fragile." + (" Contour noir : la commune." if highlight else ""))
    return MapFigure(chart, subject, caption)


@dataclass(frozen=True)
class Screen:
    """One screen of the council presentation: a kind (`figure`, `map`, `statuses`, `theme`,
    `areas`), its title and what it shows (a variable, a theme's rows…)."""

    kind: str
    title: str
    figure: Figure | None = None
    rows: pd.DataFrame | None = None


def screens(results: Results) -> list[Screen]:
    """The council sequence: each headline figure, its map by commune, the commitments' statuses
    by theme, each theme's commitments (at most `PER_SCREEN` a screen), the neighbourhoods."""
    out = [Screen("figure", item.label, figure=item) for item in figures(results)]
    variable = headline_variable(results)
    if variable is not None:
        out.append(Screen("map", f"{labels.variable_label(results.spec, variable)} ({results.waves[-1]}), par commune"))
    themes = commitments_by_theme(results)
    if themes:
        out.append(Screen("statuses", "Engagements : où en est-on ?"))
    for theme, rows in themes:
        parts = [rows.iloc[i:i + PER_SCREEN] for i in range(0, len(rows), PER_SCREEN)]
        for number, part in enumerate(parts, start=1):
            suffix = f" ({number}/{len(parts)})" if len(parts) > 1 else ""
            out.append(Screen("theme", f"{theme}{suffix}", rows=part))
    if not results.areas.empty:
        out.append(Screen("areas", "Quartiers à cibler en priorité"))
    return out


def top_areas(results: Results, commune: str | None = None, top: int = TOP_AREAS) -> pd.DataFrame:
    """The neighbourhoods (IRIS) to target first, by number of people in difficulty, with `place`
    (« IRIS (commune) »); areas too small to rank are left out (the Quartiers page lists them).
    Empty without a small-area table, or for a commune without IRIS."""
    areas = results.areas
    if areas.empty or (commune is not None and not (areas["commune"] == commune).any()):
        return pd.DataFrame()
    ranked = rank_areas(areas, AREA_CRITERION, k=top, commune=commune, settings=results.settings)
    ranked = ranked[ranked["rank"].notna()].head(top)
    return ranked.assign(place=ranked["domain"].astype(str).map(results.geography.iris_names()))


@dataclass(frozen=True)
class Versus:
    """One commune's share against the whole territory's, latest wave, with commune − territory."""

    label: str
    commune: Mapping  # estimate-table row of the commune
    territory: Mapping  # estimate-table row of the whole territory
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def withheld(self) -> bool:
        return self.commune["flag"] == "withheld"

    def commune_text(self) -> str:
        return share_text(self.commune)

    def territory_text(self) -> str:
        return share_text(self.territory)

    def difference_text(self) -> str:
        return fmt_difference(self.difference, self.ci_low, self.ci_high)

    def verdict(self) -> str:
        if self.difference is None:
            return WITHHELD if self.withheld else ""
        if self.ci_low <= 0 <= self.ci_high:
            return "pas d'écart significatif"
        return "significativement au-dessus" if self.difference > 0 else "significativement en dessous"


def versus_territory(results: Results, commune: str, variables: tuple[str, ...] | None = None) -> list[Versus]:
    """Each indicator of `variables` (default: every derived indicator) in `commune` against the
    whole territory, latest wave: the difference commune − territory and its interval (at the run's `ci_level`), the
    covariance of a part with the whole included (`stats.compare` with `by_second`)."""
    spec = results.spec
    out = []
    for variable in variables or tuple(spec.derived):
        local, whole = wave_rows(results, variable, "commune", commune), wave_rows(results, variable)
        if local.empty or whole.empty:
            continue
        mine, all_ = local.iloc[-1].to_dict(), whole[whole["wave"] == local.iloc[-1]["wave"]].iloc[0].to_dict()
        item = Versus(labels.variable_label(spec, variable), mine, all_)
        if mine["flag"] != "withheld" and results.design is not None:
            wave, column = int(mine["wave"]), spec.design.wave
            diff = compare(results.design, variable, f"{wave} | {commune}", wave, kind="proportion", level=1,
                           by=[column, "commune"], by_second=column, settings=results.settings).iloc[0]
            item = Versus(item.label, mine, all_, float(diff["difference"]), float(diff["ci_low"]), float(diff["ci_high"]))
        out.append(item)
    return out

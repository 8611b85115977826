"""Altair chart builders with a French locale and colour-blind-safe colours.

Each builder selects the few columns it draws before `alt.Chart` (every column of the frame is
shipped to the browser), carries the CI and n in its tooltip, and returns a configured
top-level chart that the app displays and `observatoire.export` renders offline.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import altair as alt
import pandas as pd

from observatoire.formatting import NBSP, ci_short, fmt_interval, fmt_number
from observatoire.viz.legend import CATEGORICAL, FLAG_LABELS, fmt_value

SUBTITLE_WIDTH = 90  # characters per line of a chart's provenance subtitle

# d3-format / d3-time-format locales (French: decimal comma, no-break space thousands, `12 %`).
FRENCH_LOCALE = alt.Locale(
    number={"decimal": ",", "thousands": NBSP, "grouping": [3], "currency": ["", f"{NBSP}€"], "percent": f"{NBSP}%"},
    time={
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                        "nov.", "déc."],
    },
)
MAIN = CATEGORICAL[0]  # Okabe–Ito blue
TARGET = CATEGORICAL[5]  # vermillion
PROJECTION = CATEGORICAL[3]  # reddish purple
FONT_SIZE = {"normal": 12, "presentation": 18}


def configure(chart: alt.TopLevelMixin, size: str = "normal", description: str | None = None):
    """French locale, system fonts and readable sizes (`presentation` for projected slides)."""
    font = FONT_SIZE[size]
    chart = chart.configure(locale=FRENCH_LOCALE, font="sans-serif").configure_axis(
        labelFontSize=font, titleFontSize=font
    ).configure_legend(labelFontSize=font, titleFontSize=font).configure_title(
        fontSize=font + 2, subtitleFontSize=font, anchor="start"
    )
    # Width fits the box (Streamlit, exports); height stays the plot's own (Streamlit would squeeze it).
    chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.properties(description=description) if description else chart


def demo_labelled(chart: alt.TopLevelMixin, note: str) -> alt.TopLevelMixin:
    """The chart with the provenance `note` (which inputs are demonstration data) as its subtitle
    (its title when it has none), wrapped in lines: drawn in the chart, it stays on the page, in
    every export and in every copy of them."""
    title = chart.title  # a string, TitleParams or Undefined
    if isinstance(title, alt.TitleParams):
        params = title.to_dict()
    else:
        params = {"text": title if isinstance(title, str) else ""}
    lines = textwrap.wrap(note, SUBTITLE_WIDTH)
    params.update({"subtitle": lines} if params.get("text") else {"text": lines})
    return chart.properties(title=alt.TitleParams(**params))


def _axis_format(percent: bool) -> str:
    return ".0%" if percent else ",.1~f"


def bar_chart(
    table: pd.DataFrame,
    label: str = "domain",
    title: str = "",
    percent: bool = True,
    size: str = "normal",
    level: float = 0.95,
) -> alt.Chart:
    """Horizontal bars with CI whiskers (at `level`, the run's `ci_level`) from an estimate table
    (`label` names the category).

    Withheld rows are not drawn (the caption and the table say « donnée non diffusée »);
    fragile bars are paler with a dashed outline, and the legend says « fragile » in words.
    """
    shown = table.loc[table["flag"] != "withheld", [label, "estimate", "ci_low", "ci_high", "n_unweighted", "flag"]]
    data = pd.DataFrame(
        {
            "categorie": shown[label].astype(str),
            "estimation": shown["estimate"],
            "bas": shown["ci_low"],
            "haut": shown["ci_high"],
            "fiabilite": shown["flag"].map(FLAG_LABELS),
            "valeur": [fmt_value(v, percent) for v in shown["estimate"]],
            "ic": [fmt_interval(lo, hi, 1, percent) for lo, hi in zip(shown["ci_low"], shown["ci_high"])],
            "n": [fmt_number(n) for n in shown["n_unweighted"]],
        }
    )
    order = list(data["categorie"])
    y = alt.Y("categorie:N", sort=order, title=None)
    tooltip = [
        alt.Tooltip("categorie:N", title="Catégorie"),
        alt.Tooltip("valeur:N", title="Estimation"),
        alt.Tooltip("ic:N", title=ci_short(level)),
        alt.Tooltip("n:N", title="Effectif (n)"),
        alt.Tooltip("fiabilite:N", title="Fiabilité"),
    ]
    reliability = alt.Scale(domain=[FLAG_LABELS["ok"], FLAG_LABELS["fragile"]])
    base = alt.Chart(data)
    bars = base.mark_bar(color=MAIN, stroke=MAIN, strokeWidth=1.5).encode(
        x=alt.X("estimation:Q", title=f"Estimation ({ci_short(level)})", axis=alt.Axis(format=_axis_format(percent))),
        y=y,
        opacity=alt.Opacity("fiabilite:N", scale=alt.Scale(domain=reliability.domain, range=[0.9, 0.35]),
                            legend=alt.Legend(title="Fiabilité")),
        strokeDash=alt.StrokeDash("fiabilite:N", scale=alt.Scale(domain=reliability.domain, range=[[1, 0], [4, 2]]),
                                  legend=alt.Legend(title="Fiabilité")),
        tooltip=tooltip,
    )
    whiskers = base.mark_errorbar(ticks=True, color="#161616").encode(
        x=alt.X("bas:Q", title=""), x2="haut:Q", y=y, tooltip=tooltip
    )
    height = 40 + 28 * len(data)  # one band per category (plot area: title and axis come on top)
    return configure((bars + whiskers).properties(title=title, height=height, width="container"), size,
                     description=title or None)


@dataclass(frozen=True)
class Projection:
    """A projected value at `year` with its prediction interval (from the progress assessment)."""

    year: int
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Unit:
    """How an indicator's values read: `19,2 %` (unit `%`, 1 decimal), `1 250 t CO2e`, …"""

    short: str = "%"
    decimals: int = 1
    title: str = "Valeur"

    def fmt(self, value: float | None) -> str:
        text = fmt_number(value, self.decimals)
        return f"{text}{NBSP}{self.short}" if self.short and text != "–" else text

    def interval(self, low: float | None, high: float | None) -> str:
        return fmt_interval(low, high, self.decimals, percent=False)

    @property
    def axis_format(self) -> str:
        return f",.{self.decimals}~f"


def trend_chart(
    series: pd.DataFrame,
    title: str = "",
    unit: Unit = Unit(),
    target: tuple[int, float] | None = None,
    projection: Projection | None = None,
    size: str = "normal",
) -> alt.LayerChart:
    """Observed values (`year, value, ci_low, ci_high`, in `unit`) with their CI band, target and projection.

    The projection is a dashed segment from the last observed value to the projected one, with
    its prediction interval as a whisker; the target is a dashed vermillion rule, labelled.
    """
    observed = series.loc[series["value"].notna(), ["year", "value", "ci_low", "ci_high"]].sort_values("year")
    data = observed.assign(
        valeur=[unit.fmt(v) for v in observed["value"]],
        ic=[unit.interval(lo, hi) for lo, hi in zip(observed["ci_low"], observed["ci_high"])],
    )
    year_axis = alt.X("year:Q", title="Année", axis=alt.Axis(format="d", tickMinStep=1),
                      scale=alt.Scale(padding=24, zero=False))
    y_axis = alt.Y("value:Q", title=unit.title, axis=alt.Axis(format=unit.axis_format), scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("year:Q", title="Année", format="d"), alt.Tooltip("valeur:N", title="Valeur"),
               alt.Tooltip("ic:N", title="IC à 95 %")]
    base = alt.Chart(data)
    layers = [
        base.mark_area(color=MAIN, opacity=0.2).encode(x=year_axis, y=alt.Y("ci_low:Q", title=unit.title), y2="ci_high:Q"),
        base.mark_line(color=MAIN, point=alt.OverlayMarkDef(color=MAIN, size=60)).encode(
            x=year_axis, y=y_axis, tooltip=tooltip
        ),
    ]
    if projection is not None and not observed.empty:
        layers += _projection_layers(observed.iloc[-1], projection, unit, year_axis)
    if target is not None:
        layers += _target_layers(target, unit)
    return configure(alt.layer(*layers).properties(title=title, height=320, width="container"), size,
                     description=title or None)


def _projection_layers(last: pd.Series, projection: Projection, unit: Unit, year_axis: alt.X) -> list:
    has_interval = projection.low is not None and projection.high is not None
    label = f"Projection {projection.year} : {unit.fmt(projection.value)}"
    if has_interval:
        label += f" {unit.interval(projection.low, projection.high)}"
    segment = pd.DataFrame({"year": [last["year"], projection.year], "value": [last["value"], projection.value],
                            "libelle": label})
    tooltip = [alt.Tooltip("libelle:N", title="Projection")]
    layers = [
        alt.Chart(segment).mark_line(color=PROJECTION, strokeDash=[6, 4]).encode(
            x=year_axis, y="value:Q", tooltip=tooltip
        )
    ]
    if has_interval:
        interval = pd.DataFrame(
            {"year": [projection.year], "low": [projection.low], "high": [projection.high], "libelle": [label]}
        )
        layers.append(
            alt.Chart(interval).mark_errorbar(ticks=True, color=PROJECTION).encode(
                x="year:Q", y=alt.Y("low:Q", title=unit.title), y2="high:Q", tooltip=tooltip
            )
        )
    return layers


def _target_layers(target: tuple[int, float], unit: Unit) -> list:
    year, value = target
    frame = pd.DataFrame({"value": [value], "libelle": [f"Cible {year} : {unit.fmt(value)}"]})
    rule = alt.Chart(frame).mark_rule(color=TARGET, strokeDash=[2, 2], size=2).encode(
        y="value:Q", tooltip=[alt.Tooltip("libelle:N", title="Cible")]
    )
    text = alt.Chart(frame).mark_text(color=TARGET, align="left", dx=4, dy=-8, fontWeight="bold").encode(
        y="value:Q", x=alt.value(0), text="libelle:N"
    )
    return [rule, text]

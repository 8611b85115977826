"""Charts as inline SVG: rendered offline by vl-convert (observatoire.export), then slimmed and
given a text alternative.

The SVG becomes one accessible image (`role="img"`, `<title>` + `<desc>` named by
`aria-labelledby`); the chart's inner ARIA markup is dropped because the image is described as a
whole and the same figures follow in a data table. Dropping Vega's classes, empty paths and
redundant attributes and rounding coordinates to 0.1 px roughly halves the bytes, which keeps a
page with a 28-bar chart under the 100 KB budget.
"""

from __future__ import annotations

import re

import altair as alt
import vl_convert

from observatoire import export
from observatoire.site.markup import esc

WIDTH = 560
_DROP = re.compile(
    r'\s(?:class|aria-hidden|aria-label|aria-roledescription|role|pointer-events)="[^"]*"'
    r'|\sopacity="1"(?=[\s/>])'
)
_EMPTY_PATH = re.compile(r'<path d="(?:M0,0h0v0h0Z)?"(?: display="none")?/>')
_FLOAT = re.compile(r"(-?\d+\.\d{2,})")
_ROOT = re.compile(r"<svg [^>]*>")


def _round(match: re.Match) -> str:
    text = f"{float(match.group(1)):.1f}"
    return text[:-2] if text.endswith(".0") else text


def slim(svg: str) -> str:
    """Vega's SVG without its inner ARIA/classes, empty paths and needless decimals."""
    svg = _DROP.sub("", svg)
    svg = _EMPTY_PATH.sub("", svg)
    svg = re.sub(r"<g>\s*</g>", "", svg)
    return _FLOAT.sub(_round, svg)


def inline_svg(chart: alt.TopLevelMixin, ident: str, title: str, description: str, width: int = WIDTH) -> str:
    """The chart as an inline `<svg role="img">` named by its `<title>` and `<desc>` (ids from `ident`)."""
    svg = slim(vl_convert.vegalite_to_svg(export.chart_spec(chart, width)))
    root = _ROOT.match(svg)
    if root is None:
        raise ValueError("vl-convert returned no <svg> root")
    view = re.search(r'viewBox="([^"]*)"', root.group(0))
    size = re.search(r'width="([^"]*)" height="([^"]*)"', root.group(0))
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view.group(1)}" width="{size.group(1)}" '
        f'height="{size.group(2)}" role="img" aria-labelledby="{ident}-t {ident}-d" focusable="false">'
        f'<title id="{ident}-t">{esc(title)}</title><desc id="{ident}-d">{esc(description)}</desc>'
    )
    return opening + svg[root.end():]

"""Charts as inline SVG: rendered offline by vl-convert (observatoire.export), then slimmed and
given a text alternative.

The SVG becomes one accessible image (`role="img"`, `<title>` + `<desc>` named by
`aria-labelledby`); the chart's inner ARIA markup is dropped because the image is described as a
whole and the same figures follow in a data table. Dropping Vega's classes, empty paths and
redundant attributes and rounding coordinates to 0.1 px roughly halves the bytes, which keeps a
page with a 28-bar chart under the 100 KB budget. `flatten` then draws the same picture with a
fifth of the elements (a 28-bar chart: about 250 → 50), which the page's EcoIndex counts
(observatoire.site.budget).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

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


SVG = "http://www.w3.org/2000/svg"
_TRANSLATE = re.compile(r"translate\((-?[\d.]+),\s*(-?[\d.]+)\)")
_MOVE = re.compile(r"M(-?[\d.]+),(-?[\d.]+)(?=[a-z]|$)")  # an absolute start, then relative commands only


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _offset(element: ET.Element) -> tuple[float, float] | None:
    """The element's own translation; None when its transform is anything else."""
    transform = element.get("transform")
    if transform is None:
        return 0.0, 0.0
    match = _TRANSLATE.fullmatch(transform.strip())
    return (float(match.group(1)), float(match.group(2))) if match else None


def _placed(element: ET.Element, dx: float, dy: float) -> list[ET.Element]:
    """`element` (and what it holds) moved by (dx, dy), with groups that only move or wrap their
    children dissolved into them, lines written as paths and invisible text dropped."""
    tag = element.tag.removeprefix(f"{{{SVG}}}")
    own = _offset(element)
    if own is None:  # a rotation or scale: kept as drawn, moved as a whole
        return [element] if (dx, dy) == (0, 0) else [_wrapped(element, dx, dy)]
    x, y = dx + own[0], dy + own[1]
    if tag == "g" and set(element.attrib) <= {"transform"}:
        return [moved for child in element for moved in _placed(child, x, y)]
    if tag == "text" and element.get("opacity") == "0":
        return []
    if tag == "line":
        x1, y1 = float(element.get("x1", 0)), float(element.get("y1", 0))
        x2, y2 = float(element.get("x2", 0)), float(element.get("y2", 0))
        attrs = {k: v for k, v in element.attrib.items() if k not in ("x1", "y1", "x2", "y2", "transform")}
        d = f"M{_number(x + x1)},{_number(y + y1)}l{_number(x2 - x1)},{_number(y2 - y1)}"
        return [ET.Element(f"{{{SVG}}}path", {"d": d, **attrs})]
    element.attrib.pop("transform", None)
    if tag == "path" and _MOVE.match(element.get("d", "")):
        start = _MOVE.match(element.get("d"))
        moved = f"M{_number(x + float(start.group(1)))},{_number(y + float(start.group(2)))}"
        element.set("d", moved + element.get("d")[start.end():])
    elif tag == "g":
        element[:] = [moved for child in list(element) for moved in _placed(child, 0, 0)]
        _merge_paths(element)
        if (x, y) != (0, 0):
            element.set("transform", f"translate({_number(x)},{_number(y)})")
    elif (x, y) != (0, 0):
        element.set("transform", f"translate({_number(x)},{_number(y)})")
    return [element]


def _wrapped(element: ET.Element, dx: float, dy: float) -> ET.Element:
    group = ET.Element(f"{{{SVG}}}g", transform=f"translate({_number(dx)},{_number(dy)})")
    group.append(element)
    return group


def _merge_paths(parent: ET.Element) -> None:
    """Consecutive paths drawn alike become one path. Within such a run, paths of different styles
    are regrouped by style: Vega writes one mark layer per run (bars, rules, ticks), whose marks
    do not overlap, so the picture is unchanged."""
    children, merged, run = list(parent), [], {}
    for child in [*children, None]:
        if child is not None and child.tag == f"{{{SVG}}}path" and "transform" not in child.attrib:
            style = tuple(sorted((k, v) for k, v in child.attrib.items() if k != "d"))
            if style in run:
                run[style].set("d", run[style].get("d") + child.get("d"))
            else:
                run[style] = child
                merged.append(child)
            continue
        run = {}
        if child is not None:
            merged.append(child)
    parent[:] = merged


def flatten(svg: str) -> str:
    """The same picture with far fewer elements (Vega writes one element per bar, rule, tick and
    grid line, and many nested groups). Parses SVG that vl-convert has just written, not input."""
    ET.register_namespace("", SVG)
    root = ET.fromstring(svg)
    root[:] = [moved for child in list(root) for moved in _placed(child, 0, 0)]
    _merge_paths(root)
    return ET.tostring(root, encoding="unicode")


def inline_svg(chart: alt.TopLevelMixin, ident: str, title: str, description: str, width: int = WIDTH) -> str:
    """The chart as an inline `<svg role="img">` named by its `<title>` and `<desc>` (ids from `ident`)."""
    svg = flatten(slim(vl_convert.vegalite_to_svg(export.chart_spec(chart, width))))
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

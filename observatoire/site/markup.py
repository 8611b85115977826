"""HTML pieces of the public site: escaping, accessible tables and the page frame.

Everything is escaped here (`esc`) or built from escaped pieces, so a commune or indicator name
can never inject markup. Tables always have a caption and `th` cells with a `scope`; numbers are
right-aligned (`Cell(..., num=True)`). The page frame (templates/page.html) has the landmarks,
the skip link, the navigation with `aria-current` and one inlined stylesheet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pandas as pd

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE = Template((TEMPLATES / "page.html").read_text(encoding="utf-8"))
CSS = (TEMPLATES / "site.css").read_text(encoding="utf-8")
# Navigation: file -> label, in menu order.
NAV = {
    "index.html": "Accueil",
    "enquete.html": "Enquête",
    "engagements.html": "Engagements",
    "methodologie.html": "Méthodologie",
    "donnees.html": "Données ouvertes",
    "accessibilite.html": "Accessibilité",
    "comprendre.html": "Comprendre les chiffres",
}


def html_text(markup: str) -> str:
    """The text of a piece of markup (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def esc(text: object) -> str:
    """Escaped for text and for double-quoted attributes (apostrophes stay readable)."""
    return html.escape(str(text), quote=False).replace('"', "&quot;")


@dataclass(frozen=True)
class Cell:
    """A table cell: text (escaped on output) and whether it is a number (right-aligned)."""

    text: str
    num: bool = False


def _cell(value: Cell | str, tag: str = "td", scope: str | None = None) -> str:
    cell = value if isinstance(value, Cell) else Cell(str(value))
    attrs = f' scope="{scope}"' if scope else ""
    attrs += ' class="num"' if cell.num and tag == "td" else ""
    return f"<{tag}{attrs}>{esc(cell.text)}</{tag}>"


def table(caption: str, header: Sequence[str], rows: Iterable[Sequence[Cell | str]], row_header: bool = True) -> str:
    """An accessible data table: caption, column headers, and the first cell of each row as a row
    header when `row_header` (so a screen reader announces « Valmont, 18,2 % »)."""
    head = "".join(_cell(h, "th", "col") for h in header)
    body = []
    for row in rows:
        first = _cell(row[0], "th", "row") if row_header else _cell(row[0])
        body.append(f"<tr>{first}{''.join(_cell(c) for c in row[1:])}</tr>")
    # Its own scroll area on a narrow screen (the page never scrolls sideways), reachable and
    # named for keyboard and screen-reader users (WCAG 2.1.1, 1.4.10).
    return (
        f'<div class="scroll" role="region" tabindex="0" aria-label="{esc(caption)}">'
        f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>\n"
    )


def frame_table(frame: pd.DataFrame, caption: str) -> str:
    """A DataFrame of French text (index = row headers, e.g. the methodology tables)."""
    header = [frame.index.name or "", *map(str, frame.columns)]
    rows = [[str(index), *map(str, values)] for index, values in zip(frame.index, frame.to_numpy().tolist())]
    return table(caption, header, rows)


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{esc(t)}</p>\n" for t in texts)


def bullet_list(items: Iterable[str], raw: bool = False) -> str:
    """A list; `raw` when the items are already markup (links)."""
    return "<ul>" + "".join(f"<li>{i if raw else esc(i)}</li>" for i in items) + "</ul>\n"


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def heading(level: int, text: str, anchor: str | None = None) -> str:
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f"<h{level}{ident}>{esc(text)}</h{level}>\n"


@dataclass(frozen=True)
class Frame:
    """What every page shares: the site's name, the provenance note (which inputs are
    demonstration data, "" when all are real), the conformity status."""

    site_name: str
    demo_note: str
    conformity: str
    footer_note: str
    licence: str = ""  # the open data's licence, as the territory names it


def _current(name: str, filename: str) -> str:
    """`aria-current="page"` on the page's own entry, `"true"` on its section (enquete-*.html)."""
    if name == filename:
        return ' aria-current="page"'
    return ' aria-current="true"' if filename.startswith(name.removesuffix(".html") + "-") else ""


def page(frame: Frame, filename: str, title: str, body: str, description: str) -> str:
    """A complete page: landmarks, skip link, navigation (current page marked), inlined CSS."""
    nav = "".join(f'<li><a href="{name}"{_current(name, filename)}>{esc(label)}</a></li>' for name, label in NAV.items())
    return PAGE.substitute(
        title=esc(title),
        site_name=esc(frame.site_name),
        description=esc(description),
        css=CSS,
        nav=nav,
        banner=f'<p class="demo" role="note">{esc(frame.demo_note)}</p>\n' if frame.demo_note else "",
        body=body,
        conformity=esc(frame.conformity),
        footer_note=esc(frame.footer_note),
        licence=f" ({esc(frame.licence)})" if frame.licence else "",
    )

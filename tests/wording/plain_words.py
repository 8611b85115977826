"""What a reader sees, and the words they must never see.

`visible_texts(at)` collects the text a visitor sees on a page run by AppTest (bodies, labels,
help tooltips, options, table cells, chart titles and tooltips, map tooltips); `html_texts(markup)`
does the same for a static site page (text and `alt`/`title`/`aria-label` attributes).
`offences(text)` lists the forbidden tokens found in one text; links to the glossary
(« Comprendre les chiffres ») are removed first, since naming a term there is how it is explained.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pandas as pd
from google.protobuf.json_format import MessageToDict

from observatoire.settings import SETTINGS

# Code identifiers: snake_case names (setting names, columns, questions, methods), dotted keys
# (`support.file`), file names with a path or a stem (`survey/schema.yaml`, `demo.csv`), references
# to internal documents (« facts §6 »), command-line options.
CODE = {
    "snake_case identifier": r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b",
    "file name": r"[\w/.-]+\.(?:ya?ml|csv|json|geojson|md|py|xlsx|sav|parquet|txt)\b",
    "dotted key": r"\b[a-z]+\.[a-z_]+\b(?![.,]?\d)",
    "section sign": r"§",
    "command-line option": r"(?<![\w-])--[a-z]",
}
# English words of interfaces and code (whole words, any case), Streamlit's own texts included.
ENGLISH = ("upload", "uploads", "browse", "drag", "drop", "download", "file", "files", "per file", "limit",
           "loading", "running", "withheld", "overall", "estimate", "none", "nan", "null", "true", "false",
           "undefined", "error", "settings", "page not found", "svyciprop")
# Jargon (Fay-Herriot, EBLUP, IFN, raking, IC, CV…) is not forbidden as such: a page showing it must
# link to its glossary entry (observatoire.glossary.Term.shows), which `missing_links` checks.

PATTERNS = (
    [(name, re.compile(pattern)) for name, pattern in CODE.items()]
    + [(f"English « {word} »", re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)) for word in ENGLISH]
    + [(f"setting name « {name} »", re.compile(rf"\b{re.escape(name)}\b")) for name in SETTINGS]
)
# A glossary link: Markdown `[text](comprendre#anchor)` (app) or `<a href="comprendre.html#anchor">` (site).
GLOSSARY_LINK = re.compile(r"\[[^\]]*\]\((?:/?comprendre)(?:#[\w-]+)?\)|<a href=\"comprendre\.html(?:#[\w-]+)?\">.*?</a>")
URL = re.compile(r"https?://\S+|\]\([^)]*\)|\bhref=\"[^\"]*\"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # what `ui.components.plain` adds


def offences(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Forbidden tokens in `text` as the reader sees it (Markdown's backslash escapes undone, so that
    `survey\\.csv` is read `survey.csv`), after glossary links, URLs and `allowed` strings are removed."""
    text = MARKDOWN_ESCAPE.sub(r"\1", text)
    text = URL.sub(" ", GLOSSARY_LINK.sub(" ", text))
    for exact in allowed:
        text = text.replace(exact, " ")
    return [f"{name}: {match.group(0)!r}" for name, pattern in PATTERNS for match in pattern.finditer(text)]


# Proto fields that reach the screen (labels, bodies, help tooltips, options, placeholders).
VISIBLE_FIELDS = {"body", "label", "help", "options", "placeholder", "caption", "title", "alt", "value",
                  "formatted_value", "delta", "text", "default_value"}
TABLES = {"table", "dataframe", "arrow_table", "arrow_data_frame"}


def _strings(tree, visible: bool = False) -> Iterator[str]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _strings(value, visible or _snake(key) in VISIBLE_FIELDS)
    elif isinstance(tree, list):
        for item in tree:
            yield from _strings(item, visible)
    elif isinstance(tree, str) and visible:
        yield tree


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


def _frame_texts(frame: pd.DataFrame) -> Iterator[str]:
    yield from (str(c) for c in frame.columns)
    if frame.index.name:
        yield str(frame.index.name)
    if not isinstance(frame.index, pd.RangeIndex):
        yield from (str(i) for i in frame.index)
    for values in frame.astype(str).to_numpy().tolist():
        yield from values


def _vega_texts(spec) -> Iterator[str]:
    """Titles of a Vega-Lite spec, and the field names that show where no title is given."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                yield value
            elif key == "title" and isinstance(value, dict) and isinstance(value.get("text"), str):
                yield value["text"]
        if "field" in spec and "title" not in spec and spec.get("axis", {}) is not None and spec.get("legend", {}) is not None:
            yield spec["field"]
        for key, value in spec.items():
            if key not in ("data", "datasets", "x2", "y2"):  # a second position shows no title
                yield from _vega_texts(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _vega_texts(item)


def _deck_texts(proto: dict) -> Iterator[str]:
    """A pydeck map's tooltip template (placeholders removed) and its text alternative."""
    if "tooltip" in proto:
        tooltip = json.loads(proto["tooltip"]) if proto["tooltip"] else {}
        for value in (tooltip.values() if isinstance(tooltip, dict) else [tooltip]):
            if isinstance(value, str):
                yield re.sub(r"\{[^}]*\}", " ", re.sub(r"<[^>]+>", " ", value))
    for key in ("alt", "description"):
        if isinstance(proto.get(key), str):
            yield proto[key]


def _markdown_text(text: str) -> str:
    """What shows of a Markdown body: HTML tags, their styles and Material icon names left out."""
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    return re.sub(r":material/[a-z_]+:", " ", re.sub(r"<[^>]+>", " ", text))


def _nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def visible_texts(at) -> list[str]:
    """Every text a visitor sees on the page AppTest ran (main area and sidebar)."""
    texts = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", None)
        if proto is None:
            continue
        if kind in TABLES:
            texts.extend(_frame_texts(node.value))
            continue
        fields = MessageToDict(proto, preserving_proto_field_name=True)
        if kind == "vega_lite_chart":
            texts.extend(_vega_texts(json.loads(fields.get("spec", "{}"))))
        elif kind == "deck_gl_json_chart":
            texts.extend(_deck_texts(fields))
        else:
            texts.extend(_markdown_text(text) for text in _strings(fields))
    return texts


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._link: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("style", "script"):
            self._skip += 1
        for key in ("alt", "title", "aria-label"):
            if values.get(key):
                self.texts.append(values[key])
        if tag == "a" and (values.get("href") or "").startswith("comprendre.html"):
            self._link = []  # the words of a glossary link are its explanation

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if not self._skip and self._link is None and data.strip():
            self.texts.append(data)


def html_texts(markup: str) -> list[str]:
    """The text of a site page and its `alt`, `title`, `aria-label` attributes (styles, and the
    words of links to the glossary, left out)."""
    parser = _Text()
    parser.feed(markup)
    return parser.texts


def workbook_texts(content: bytes) -> list[str]:
    """Every text cell of every sheet of an XLSX file (headers, notes, values), except the codes
    column of the « Dictionnaire » sheet: the one documented place where programs find the codes."""
    from openpyxl import load_workbook

    from observatoire.sheets import DICTIONARY

    book = load_workbook(io.BytesIO(content), read_only=True)
    texts = [sheet.title for sheet in book.worksheets]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells = [c for i, c in enumerate(row) if not (sheet.title == DICTIONARY and i == 2)]
            texts += [c for c in cells if isinstance(c, str)]
    return texts


def missing_links(texts: list[str], link_prefix: str) -> list[str]:
    """Glossary entries whose words `texts` show without a link to them (`link_prefix` is
    "comprendre" in the app, "comprendre.html" on the site)."""
    from observatoire.glossary import shown_terms

    joined = "\n".join(texts)
    return [term.anchor for term in shown_terms(texts) if f"{link_prefix}#{term.anchor}" not in joined]


def table_texts(content: bytes) -> list[str]:
    """The header and text cells of a CSV export (`;` or `,`, UTF-8 with or without BOM)."""
    import csv

    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,")
    return [cell for row in csv.reader(io.StringIO(text), dialect) for cell in row
            if cell and not re.fullmatch(r"[-+\d.,eE% ]+|nan", cell)]

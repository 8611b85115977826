"""The sobriety budget of each page (RGESN: maximum weight and requests per screen) and its
EcoIndex, which every page must score at grade A.

A page's requests are the page itself plus every sub-resource its markup would fetch (scripts,
stylesheets, icons, images, frames, media, CSS `url(...)`); `data:` URIs cost no request.
The site's pages have none, so each page is one request. Its DOM size is its number of elements
(what `document.getElementsByTagName("*").length` counts in a browser: the site's markup writes
every element the browser would otherwise add, `tbody` included).

EcoIndex (GreenIT / cnumr, ecoindex.fr; reference data cnumr/ecoindex_reference,
ecoindex_reference.json; formula as in cnumr/GreenIT-Analysis, script/ecoIndex.js, and the
ecoindex packages): each of DOM size, requests and size in kB is placed in its quantile table
(20 intervals from the HTTP Archive), q = i − 1 + (v − Q[i−1]) / (Q[i] − Q[i−1]) for the first
i with v < Q[i] (20 beyond the last bound); score = 100 − 5 × (3 q_dom + 2 q_requests + q_size) / 6;
grade A above 80, B above 70, C above 55, D above 40, E above 25, F above 10, else G.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

MAX_BYTES = 100_000
MAX_REQUESTS = 3
REQUIRED_GRADE = "A"
# EcoIndex quantile bounds (cnumr/ecoindex_reference): DOM elements, requests, size in kB.
QUANTILES_DOM = (0, 47, 75, 159, 233, 298, 358, 417, 476, 537, 603, 674, 753, 843, 949, 1076, 1237, 1459, 1801,
                 2479, 594601)
QUANTILES_REQUESTS = (0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78, 86, 95, 105, 117, 130, 147, 170, 205, 281, 3920)
QUANTILES_SIZE_KB = (0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32, 1648.27,
                     1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223212.26)
GRADES = (("A", 80), ("B", 70), ("C", 55), ("D", 40), ("E", 25), ("F", 10))
# tag -> attributes whose URL the browser fetches while loading the page (not plain links <a>).
FETCHED = {
    "script": ("src",), "link": ("href",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "embed": ("src",), "object": ("data",), "source": ("src", "srcset"), "video": ("src", "poster"),
    "audio": ("src",), "track": ("src",), "input": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
}  # fmt: skip
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.elements = 0
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        values = dict(attrs)
        self.urls += [values[a] for a in FETCHED.get(tag, ()) if values.get(a)]
        self.urls += CSS_URL.findall(values.get("style") or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += CSS_URL.findall(data)


def _parsed(markup: str) -> _Resources:
    parser = _Resources()
    parser.feed(markup)
    parser.close()
    return parser


def fetched_urls(markup: str) -> list[str]:
    """Every URL the page would fetch while loading, `data:` URIs included."""
    return _parsed(markup).urls


def quantile(bounds: tuple[float, ...], value: float) -> float:
    """Position of `value` in an EcoIndex quantile table (0 to 20)."""
    for i in range(1, len(bounds)):
        if value < bounds[i]:
            return i - 1 + (value - bounds[i - 1]) / (bounds[i] - bounds[i - 1])
    return len(bounds) - 1


def ecoindex(dom: int, requests: int, size_kb: float) -> float:
    q = 3 * quantile(QUANTILES_DOM, dom) + 2 * quantile(QUANTILES_REQUESTS, requests) + quantile(QUANTILES_SIZE_KB, size_kb)
    return 100 - 5 * q / 6


def grade(score: float) -> str:
    return next((letter for letter, floor in GRADES if score > floor), "G")


@dataclass(frozen=True)
class PageWeight:
    name: str
    bytes: int
    requests: int
    dom: int  # elements

    @property
    def ecoindex(self) -> float:
        return ecoindex(self.dom, self.requests, self.bytes / 1024)

    @property
    def grade(self) -> str:
        return grade(self.ecoindex)

    @property
    def within_budget(self) -> bool:
        return self.bytes <= MAX_BYTES and self.requests <= MAX_REQUESTS and self.grade <= REQUIRED_GRADE


def page_weight(name: str, markup: str) -> PageWeight:
    parsed = _parsed(markup)
    requests = 1 + sum(not url.startswith("data:") for url in parsed.urls)
    return PageWeight(name, len(markup.encode("utf-8")), requests, parsed.elements)

"""The sobriety budget of each page (RGESN: maximum weight and requests per screen).

A page's requests are the page itself plus every sub-resource its markup would fetch (scripts,
stylesheets, icons, images, frames, media, CSS `url(...)`); `data:` URIs cost no request.
The site's pages have none, so each page is one request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

MAX_BYTES = 100_000
MAX_REQUESTS = 3
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
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.urls += [values[a] for a in FETCHED.get(tag, ()) if values.get(a)]
        self.urls += CSS_URL.findall(values.get("style") or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += CSS_URL.findall(data)


def fetched_urls(markup: str) -> list[str]:
    """Every URL the page would fetch while loading, `data:` URIs included."""
    parser = _Resources()
    parser.feed(markup)
    parser.close()
    return parser.urls


@dataclass(frozen=True)
class PageWeight:
    name: str
    bytes: int
    requests: int

    @property
    def within_budget(self) -> bool:
        return self.bytes <= MAX_BYTES and self.requests <= MAX_REQUESTS


def page_weight(name: str, markup: str) -> PageWeight:
    requests = 1 + sum(not url.startswith("data:") for url in fetched_urls(markup))
    return PageWeight(name, len(markup.encode("utf-8")), requests)

"""AppTest helpers: the page list read from app.py and a runner that injects a `Results` the way
the Données page stores an upload (st.session_state, this session only)."""

from __future__ import annotations

import ast
import dataclasses

from streamlit.testing.v1 import AppTest

from observatoire.paths import ROOT
from observatoire.pipeline import Results
from observatoire.ui.loaders import UPLOAD_KEY, Upload

APP = ROOT / "app.py"
TIMEOUT = 60  # seconds; the first run in a process computes the demo pipeline


@dataclasses.dataclass(frozen=True)
class PageEntry:
    path: str
    title: str
    url_path: str


def app_pages() -> list[PageEntry]:
    """The st.Page(...) calls of app.py, read without running it."""
    entries = []
    for node in ast.walk(ast.parse(APP.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            keywords = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            entries.append(PageEntry(ast.literal_eval(node.args[0]), keywords["title"], keywords["url_path"]))
    return entries


def page_test(page: str, results: Results | None = None) -> AppTest:
    """An AppTest of one page file run on its own; `results` replaces the demo data."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    if results is not None:
        at.session_state[UPLOAD_KEY] = Upload(results.source, "test", results)
    return at.run()

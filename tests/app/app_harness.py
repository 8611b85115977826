"""AppTest helpers: the page list read from app.py and a runner that injects a `Results` the way
the Données page stores an upload (st.session_state, this session only)."""

from __future__ import annotations

import ast
import dataclasses
import re

from streamlit.testing.v1 import AppTest

from example_territory import ROOT, upload_inputs
from observatoire.pipeline import Results, run
from observatoire.provenance import demonstration_note
from observatoire.stats import apply_reliability
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
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page"
                and isinstance(node.args[0], ast.Constant)):  # pages/ files, not the hidden root
            keywords = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            entries.append(PageEntry(ast.literal_eval(node.args[0]), keywords["title"], keywords["url_path"]))
    return entries


def page_test(page: str, results: Results | None = None) -> AppTest:
    """An AppTest of one page file run on its own; `results` replaces the demo data."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    if results is not None:
        at.session_state[UPLOAD_KEY] = Upload(results.source, "test", results)
    return at.run()


def with_counts(results: Results, counts: dict[tuple, int], fingerprint: str) -> Results:
    """`results` whose estimate rows keyed (variable, domain_type, domain, wave) get a new
    unweighted n, re-flagged by the real reliability rules (so n < 11 is withheld, n < 30 fragile)."""
    estimates = results.estimates.copy()
    for (variable, domain_type, domain, wave), n in counts.items():
        domain_match = estimates["domain"].isna() if domain is None else estimates["domain"] == domain
        row = (estimates["variable"] == variable) & (estimates["domain_type"] == domain_type) & domain_match & (estimates["wave"] == wave)
        assert row.sum() == 1, (variable, domain_type, domain, wave)
        estimates.loc[row, "n_unweighted"] = n
    flagged = apply_reliability(results.estimates.assign(n_unweighted=estimates["n_unweighted"]), results.settings)
    return dataclasses.replace(results, estimates=flagged, fingerprint=fingerprint)


def empty_results() -> Results:
    """What pipeline.run returns for a file without any answer (header only)."""
    return run(upload_inputs("vide.csv", b"respondent_id,wave\n"))


def with_demo(results: Results, demo: bool) -> Results:
    """`results` as made from demonstration inputs (the example's provenance) or from real ones."""
    provenance = dict(results.provenance) if demo else {name: "real" for name in results.provenance}
    assert bool(demonstration_note(provenance)) is demo
    return dataclasses.replace(results, provenance=provenance)


def shown(markdown: str) -> str:
    """What a reader sees of a Markdown text whose user-supplied parts were escaped (`plain`)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)

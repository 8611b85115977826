"""French only, plain words: no code name, file name, setting name, internal reference or English
interface word on any app page, site page or export, and every term of jargon linked to its
entry of « Comprendre les chiffres » (observatoire.glossary).

Scanned: every page declared in app.py (read from app.py, so a page added later is covered) run
through the router by AppTest, plus a few states that show other texts (the model map, an
engagement's card, a breakdown); every page of the static site built from the demo results; the
files the pages' download buttons deliver (XLSX and CSV: headers, notes, text cells).

Allowed on purpose (and nowhere else):
- indicator ids (INC01…): public ids, matched by none of the patterns;
- on the site's « Données ouvertes » page, the names of the open-data files (estimations.csv,
  datapackage.json, LISEZMOI.txt…): they are what the page offers to download. The open-data
  files themselves (CSV machine headers such as `ci_low`, datapackage.json, LISEZMOI.txt) are a
  documented public interface for re-users (docs/), so they are not scanned;
- the glossary page itself, where the jargon is explained.
"""

from __future__ import annotations

import re

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from app_harness import APP, TIMEOUT, app_pages
from example_territory import EXAMPLE, example_inputs
from observatoire import glossary, pipeline
from observatoire.site.builder import render_site
from observatoire.site.data import SiteConfig, from_results
from observatoire.site.opendata import open_files
from plain_words import html_texts, missing_links, offences, table_texts, visible_texts, workbook_texts

PAGES = app_pages()
GLOSSARY_PATH = next(p.path for p in PAGES if p.url_path == glossary.APP_PAGE)


def _switch(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    return at


def _choose(widget: str, label: str, value):
    def choose(at: AppTest) -> AppTest:
        next(w for w in getattr(at, widget) if w.label == label).set_value(value).run()
        return at
    return choose


# (page, label, what to do once the page is shown): the default view of every page, and views
# that bring other texts on screen.
STATES = [(p.path, "défaut", None) for p in PAGES] + [
    ("pages/map.py", "modèle", _choose("radio", "Niveau", "iris_model")),
    ("pages/survey.py", "commune", _choose("selectbox", "Répartition", "commune")),
]


def _run(path: str, then) -> tuple[AppTest, dict]:
    """The page at `path` through the router, and the files its download buttons deliver."""
    files = {}
    register = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        files[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    MediaFileManager.add_deferred = record
    try:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        at = _switch(at, path)
        if then is not None:
            at = then(at)
    finally:
        MediaFileManager.add_deferred = register
    assert not at.exception, [e.message for e in at.exception]
    return at, files


def _content(texts: list[str]) -> list[str]:
    """The page's own texts: the frame's banner (which inputs are demonstration data) left out."""
    note = pipeline.run(example_inputs()).demo_note if not _NOTE else _NOTE[0]
    _NOTE[:] = [note]
    return [t for t in texts if t != note]


_NOTE: list[str] = []


@pytest.fixture(scope="module")
def runs() -> dict:
    return {(path, label): _run(path, then) for path, label, then in STATES}


@pytest.mark.parametrize(("path", "label"), [(p, label) for p, label, _ in STATES], ids=[f"{p}-{label}" for p, label, _ in STATES])
def test_app_page_shows_plain_french(runs, path, label):
    at, _ = runs[(path, label)]
    texts = visible_texts(at)
    assert texts, "nothing read from the page"
    found = sorted({o for text in texts for o in offences(text)})
    assert not found, found
    if path != GLOSSARY_PATH:
        assert not missing_links(_content(texts), glossary.APP_PAGE), "terms shown without a link to the glossary"


def test_engagement_card_shows_plain_french():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.query_params["id"] = "INC01"
    at = _switch(at, "pages/commitments.py")
    texts = visible_texts(at)
    assert any("INC01" in t for t in texts)
    assert not sorted({o for text in texts for o in offences(text)})
    assert not missing_links(_content(texts), glossary.APP_PAGE)


@pytest.fixture(scope="module")
def demo_results():
    return pipeline.run(example_inputs())


@pytest.fixture(scope="module")
def demo_site(demo_results):
    return render_site(from_results(demo_results), SiteConfig.for_territory(EXAMPLE))


def test_every_site_page_shows_plain_french(demo_site, demo_results):
    # The open-data files' names are what « Données ouvertes » offers (see the module docstring).
    downloads = tuple(f.name.split("/")[-1] for f in open_files(from_results(demo_results), SiteConfig.for_territory(EXAMPLE).built))
    problems = {}
    for name, markup in demo_site.pages.items():
        texts = html_texts(markup)
        found = sorted({o for text in texts for o in offences(text, downloads if name == "donnees.html" else ())})
        content = re.sub(r'<p class="demo" role="note">.*?</p>', "", markup)  # the frame's banner, as in the app
        missing = [] if name == glossary.SITE_PAGE else missing_links([content], glossary.SITE_PAGE)
        if found or missing:
            problems[name] = found + [f"no link to « {anchor} »" for anchor in missing]
    assert not problems, problems
    assert glossary.SITE_PAGE in demo_site.pages


def _export_texts(name: str, content: bytes) -> list[str]:
    if name.endswith(".xlsx"):
        return workbook_texts(content)
    if name.endswith(".csv"):
        return table_texts(content)
    return []  # charts: their texts are the chart's, scanned on the page


def test_exports_of_the_pages_show_plain_french(runs):
    problems = {}
    for (path, label), (_, files) in runs.items():
        for name, data in files.items():
            found = sorted({o for text in _export_texts(name, data()) for o in offences(text)})
            if found:
                problems[f"{path} {name}"] = found
    assert any(runs[key][1] for key in runs), "no download button recorded"
    assert not problems, problems


@pytest.mark.parametrize("text", [
    "Les valeurs sont décrites dans survey/schema.yaml.", "ranking_min_population", "selon facts §6",
    "Upload", "50MB per file", "in_difficulty, logit", "withheld", "option --contact", "clé support.file",
    "footprint sur equipment_inventory.csv",
])
def test_the_scan_catches_what_the_issue_found(text):
    assert offences(text)


@pytest.mark.parametrize("text", [
    "INC01 · Habitants en difficulté", "Intervalle de confiance à 95 % : [10,2 ; 14,9]", "831 534 habitants",
    "[IRIS](comprendre#iris)", 'écrivez à contact@exemple.fr', "Format Excel .xlsx ou SPSS .sav",
])
def test_the_scan_lets_plain_french_through(text):
    assert not offences(text)


def test_a_term_shown_without_its_link_is_reported():
    assert missing_links(["Part par IRIS"], glossary.APP_PAGE) == ["iris"]
    assert missing_links(["Part par IRIS", glossary.app_link("iris")], glossary.APP_PAGE) == []
    assert missing_links(['modèle de Fay-Herriot <a href="comprendre.html#estimation-par-modele">x</a>'],
                         glossary.SITE_PAGE) == []

"""The first visit after a server start, as a citizen following a link would make it: each test
starts its own server (`observatoire serve`, as `make run`) and opens one URL in a fresh browser.

What Streamlit did here before: an English « Page not found » dialog over the page for `/accueil`
(on every visit) and for any page URL opened first after a start (`/engagements?id=INC01`), a
menu listing raw file names (`app, commitments, data, home…`) and an empty page while the pipeline
ran. How fast the content appears is measured by benchmarks/bench_load.py; here the time is
printed, and the content must appear.
"""

from __future__ import annotations

import time

import pytest

from browser_harness import PAGES, chromium, not_found_dialogs, open_page, require_tools, served, wait_until_idle
from example_territory import EXAMPLE

pytestmark = pytest.mark.browser
MENU = [p.title for p in PAGES]
RAW_NAMES = {"app", "home", "survey", "map", "neighbourhoods", "commitments", "methodology", "data"}


def first_visit(tmp_path, path: str, heading: str):
    """A fresh server, then one visit of `path`: (page, seconds until `heading` shows)."""
    require_tools()
    with served(tmp_path / "server.log") as server, chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
        try:
            page = context.new_page()
            start = time.monotonic()
            page.goto(f"{server.url}{path}", wait_until="commit")
            page.locator('[data-testid="stMain"] h1', has_text=heading).first.wait_for(timeout=120_000)
            seconds = time.monotonic() - start
            wait_until_idle(page)
            print(f"{path}: server ready in {server.start_seconds:.1f} s, content after {seconds:.2f} s")
            yield page, seconds
        finally:
            context.close()


def assert_page_as_documented(page) -> None:
    assert not not_found_dialogs(page)
    assert not page.locator('[data-testid="stException"]').count()
    menu = [item.strip() for item in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]
    assert menu == MENU and not RAW_NAMES & {item.lower() for item in menu}
    assert page.evaluate("() => document.documentElement.lang") == "fr"


@pytest.mark.parametrize(
    ("path", "heading"), [("/accueil", EXAMPLE.name), ("/engagements?id=INC01", "INC01")], ids=["accueil", "deep-link"]
)
def test_first_visit_after_start_shows_the_page_without_dialog(tmp_path, path, heading):
    for page, _ in first_visit(tmp_path, path, heading):
        assert_page_as_documented(page)
    # The server's own warm-up visits, its very first script runs, met no « page not found » either.
    log = (tmp_path / "server.log").read_text(encoding="utf-8")
    assert "warm-up visit" not in log, log


def test_the_root_leads_to_accueil(server, browser):
    visit = open_page(browser, f"{server}/")
    try:
        assert visit.page.url.endswith("/accueil")
        assert EXAMPLE.name in visit.page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert_page_as_documented(visit.page)
    finally:
        visit.page.context.close()

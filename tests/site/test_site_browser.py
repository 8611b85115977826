"""The demo site's pages in headless Chromium (opened as files): one request each, nothing
fetched from anywhere, no console error, and no serious or critical axe-core violation at
WCAG 2.1 AA. Reuses the browser harness and the axe call of tests/browser."""

from __future__ import annotations

import pytest

from browser_harness import SCREENS, chromium, require_tools
from observatoire.site.budget import MAX_REQUESTS, page_weight

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    require_tools()
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def visited(browser, demo_site_dir):
    """Every page loaded once in a fresh context: (page, requests, console errors) by file name."""
    visits = {}
    for path in sorted(demo_site_dir.glob("*.html")):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        requests, errors = [], []
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        visits[path.name] = (page, requests, errors)
    yield visits
    for page, _, _ in visits.values():
        page.context.close()


def test_each_page_is_one_request_with_no_error(visited, demo_site_dir):
    assert len(visited) >= 6
    for name, (page, requests, errors) in visited.items():
        fetched = [u for u in requests if not u.startswith("data:")]
        assert fetched == [(demo_site_dir / name).as_uri()], (name, requests)
        assert len(fetched) <= MAX_REQUESTS and not errors, (name, errors)
        assert page.locator("h1").count() == 1


def test_the_budget_counts_the_elements_the_browser_builds(visited, demo_site_dir):
    """EcoIndex's DOM size is what the browser counts; the budget reads it from the markup."""
    for name, (page, _, _) in visited.items():
        counted = page.evaluate("() => document.getElementsByTagName('*').length")
        assert page_weight(name, (demo_site_dir / name).read_text(encoding="utf-8")).dom == counted, name


def test_no_serious_accessibility_violation(visited):
    from test_pages import axe_violations  # tests/browser/test_pages.py: the shared axe-core call

    SCREENS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, (page, _, _) in visited.items():
        page.screenshot(path=str(SCREENS / f"site-{name.removesuffix('.html')}.png"), full_page=True)
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert not found, found


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 768)])
def test_every_page_fits_the_screen_width(browser, demo_site_dir, width, height):
    """No page scrolls sideways on a 390 px phone (tables scroll in their own area, charts
    shrink, long words wrap); screenshots at both sizes in $SCREENS_DIR (`site-<page>-<width>.png`)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    wide = {}
    try:
        page = context.new_page()
        for path in sorted(demo_site_dir.glob("*.html")):
            page.goto(path.as_uri(), wait_until="load")
            page.screenshot(path=str(SCREENS / f"site-{path.stem}-{width}.png"), full_page=True)
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll_width > width:
                wide[path.name] = scroll_width
    finally:
        context.close()
    assert not wide, wide


def test_skip_link_is_first_in_tab_order_and_focus_is_visible(visited):
    page = visited["index.html"][0]
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["Aller au contenu", "solid"]

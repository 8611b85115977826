"""Every page of app.py in headless Chromium: no console error, no outside request, axe-core clean.

Accessibility: axe-core (pinned in package-lock.json) at WCAG 2.1 A/AA; any serious or critical
violation fails the test.
"""

from __future__ import annotations

import json
import re

import pytest

from browser_harness import AXE_JS, PAGES, SCREENS, not_found_dialogs
from example_territory import EXAMPLE

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Console lines Streamlit itself prints on a first visit of a page URL: its client does not know
# the base path, so it probes `<page>/_stcore/health` and `<page>/_stcore/host-config` (404)
# before the root. Nothing of ours; matched exactly so that any other 404 still fails.
STREAMLIT_CONSOLE = re.compile(
    r"^(HTTP 404 http://127\.0\.0\.1:\d+/[a-z-]+/_stcore/(health|host-config)"
    r"|Failed to load resource: the server responded with a status of 404 \(Not Found\))$"
)


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations, one entry per offending node."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {"rule": v["id"], "impact": v["impact"], "target": node["target"], "html": node["html"][:200], "help": v["help"]}
        for v in result["violations"] if v["impact"] in ("serious", "critical") for node in v["nodes"]
    ]


def screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to fit it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 6000)})
    page.wait_for_timeout(500)  # let deck.gl and Vega redraw at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path for p in PAGES])
def test_page_loads_with_content_and_no_console_error(visits, entry):
    visit = visits(entry)
    main = visit.page.locator('[data-testid="stMain"]')
    # The home page is titled with the territory's name, the others with their menu title.
    assert (EXAMPLE.name if entry.url_path == "accueil" else entry.title) in main.locator("h1").first.inner_text()
    assert not visit.page.locator('[data-testid="stException"]').count()
    assert not not_found_dialogs(visit.page)
    screenshot(visit.page, SCREENS / f"{entry.url_path}.png")
    errors = [line for line in visit.console_errors if not STREAMLIT_CONSOLE.match(line)]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path for p in PAGES])
def test_page_requests_only_the_app_itself(visits, entry):
    visit = visits(entry)
    assert visit.requests, "no request recorded"
    assert not visit.outside, "\n".join(visit.outside)


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path for p in PAGES])
def test_page_has_no_serious_accessibility_violation(visits, entry):
    violations = axe_violations(visits(entry).page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)

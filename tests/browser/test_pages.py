"""Every page of app.py in headless Chromium: no console error, no outside request, axe-core clean.

Accessibility: axe-core (pinned in package-lock.json) at WCAG 2.1 A/AA; a serious or critical
violation fails the test unless it is a case of STREAMLIT_KNOWN (Streamlit's own markup, which
the app cannot fix), recognised by a DOM check rather than a selector, and reported as a warning
each time it occurs.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass

import pytest

from browser_harness import AXE_JS, PAGES, SCREENS

pytestmark = pytest.mark.browser
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Console lines Streamlit itself prints on a first visit of a page URL: its client does not know
# the base path, so it probes `<page>/_stcore/health` and `<page>/_stcore/host-config` (404)
# before the root. Nothing of ours; matched exactly so that any other 404 still fails.
STREAMLIT_CONSOLE = re.compile(
    r"^(HTTP 404 http://127\.0\.0\.1:\d+/[a-z-]+/_stcore/(health|host-config)"
    r"|Failed to load resource: the server responded with a status of 404 \(Not Found\))$"
)


@dataclass(frozen=True)
class Known:
    """A finding in Streamlit's own markup that the app cannot fix, recognised by a DOM check."""

    rule: str
    reason: str
    check_js: str  # (element) => bool, true when the node is this known case


STREAMLIT_KNOWN = (
    Known(
        "color-contrast",
        "label of a disabled widget: Streamlit greys it on purpose and WCAG 1.4.3 exempts inactive "
        "controls, but the label is a separate <p> so axe cannot see that its control is disabled",
        """(el) => { const box = el.closest('[data-testid="stElementContainer"]');
                     return !!(box && box.querySelector('[disabled], [aria-disabled="true"]')); }""",
    ),
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


def known_case(page, finding: dict) -> Known | None:
    selector = finding["target"][-1]
    if not isinstance(selector, str):  # inside a shadow DOM or frame: never a known case
        return None
    for known in STREAMLIT_KNOWN:
        check = f"(sel) => {{ const el = document.querySelector(sel); return !!el && ({known.check_js})(el); }}"
        if known.rule == finding["rule"] and page.evaluate(check, selector):
            return known
    return None


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
    assert entry.title in main.locator("h1").first.inner_text()
    assert not visit.page.locator('[data-testid="stException"]').count()
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
    page = visits(entry).page
    left = []
    for finding in axe_violations(page):
        known = known_case(page, finding)
        if known:
            warnings.warn(f"axe on {entry.url_path}: known Streamlit case {finding['rule']} "
                          f"{finding['html']!r}: {known.reason}", stacklevel=1)
        else:
            left.append(finding)
    assert left == [], json.dumps(left, ensure_ascii=False, indent=1)

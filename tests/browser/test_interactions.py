"""What needs JavaScript: the map drawn by deck.gl, and the download buttons delivering files."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from browser_harness import SCREENS, open_page, page_named, page_url

pytestmark = pytest.mark.browser


def _canvas_colours(page, selector: str, timeout_s: float = 60) -> tuple[int, float]:
    """Distinct colours and share of non-white pixels of an element, once it has drawn."""
    canvas = page.locator(selector).first
    canvas.wait_for(state="visible", timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    while True:
        image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
        colours = len(image.getcolors(maxcolors=1 << 24))
        white = dict((c, n) for n, c in image.getcolors(maxcolors=1 << 24)).get((255, 255, 255), 0)
        painted = 1 - white / (image.width * image.height)
        if (colours > 5 and painted > 0.2) or time.monotonic() > deadline:
            return colours, painted
        time.sleep(0.5)


def test_map_canvas_is_drawn(visits):
    page = visits(page_named("carte")).page
    colours, painted = _canvas_colours(page, '[data-testid="stDeckGlJsonChart"] canvas')
    assert colours > 5 and painted > 0.2, (colours, painted)  # deck.gl drew the areas


def _download(page, label: str) -> bytes:
    """The file a button delivers; the app runs on the demonstration data, and its name says so."""
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=label, exact=True).click()
    assert "_demonstration." in info.value.suggested_filename, info.value.suggested_filename
    return info.value.path().read_bytes()


CSV, XLSX, PNG, SVG, PDF = b"\xef\xbb\xbf", b"PK", b"\x89PNG", b"<svg", b"%PDF"


@pytest.mark.parametrize("url_path, label, magic", [
    ("carte", "Tableau CSV", CSV),
    ("carte", "Tableau XLSX", XLSX),
    ("quartiers", "Liste CSV", CSV),
    ("quartiers", "Liste XLSX", XLSX),
    ("engagements", "Tableau des engagements (XLSX)", XLSX),
])
def test_downloads_deliver_files(visits, url_path, label, magic):
    data = _download(visits(page_named(url_path)).page, label)
    assert data.startswith(magic) and len(data) > 200


@pytest.fixture(scope="module")
def detail(server, browser):
    """The deep link of one commitment's card, as an official would open it from a mail."""
    visit = open_page(browser, page_url(server, page_named("engagements")) + "?id=ACH01")
    yield visit
    visit.page.context.close()


def test_deep_link_opens_the_card_with_its_chart(detail):
    from test_pages import screenshot

    page = detail.page
    assert "ACH01" in page.locator("h1").first.inner_text()
    colours, painted = _canvas_colours(page, '[data-testid="stVegaLiteChart"]')
    assert colours > 5, colours
    texts = page.eval_on_selector_all('[data-testid="stVegaLiteChart"] svg text', "els => els.map(e => e.textContent)")
    assert any(t.startswith("Cible 2026 : ") and "," in t for t in texts), texts  # French decimal comma
    assert not [e for e in detail.console_errors if "404" not in e]
    assert not detail.outside
    screenshot(page, SCREENS / "engagements-ACH01.png")


@pytest.mark.parametrize("label, magic", [("Graphique PNG", PNG), ("Graphique SVG", SVG), ("Graphique PDF", PDF),
                                          ("Série XLSX", XLSX)])
def test_card_exports_the_chart_and_series(detail, label, magic):
    data = _download(detail.page, label)
    assert data.startswith(magic) and len(data) > 500


def test_card_has_no_serious_accessibility_violation(detail):
    from test_pages import axe_violations

    violations = axe_violations(detail.page)
    assert violations == [], violations


def test_map_controls_and_downloads_are_reachable_by_keyboard(server, browser):
    """Tab from the top of Carte reaches the indicator, the level choice and both downloads."""
    visit = open_page(browser, page_url(server, page_named("carte")))
    page, reached = visit.page, []
    try:
        for _ in range(60):
            page.keyboard.press("Tab")
            reached.append(page.evaluate(
                "() => { const e = document.activeElement;"
                " return (e.getAttribute('aria-label') || e.innerText || e.value || '').trim().slice(0, 60); }"))
            if reached[-1] == "Tableau XLSX":
                break
    finally:
        visit.page.context.close()
    for control in ("Tableau CSV", "Tableau XLSX"):
        assert control in reached, reached
    assert any("Indicateur" in r or "démarches" in r for r in reached), reached


def _explained(page) -> str:
    return page.locator('[data-testid="stMain"] h3').first.inner_text()


def _third_ranked_name() -> str:
    """The third IRIS of the page's default list (by number of people in difficulty, k = 20)."""
    from example_territory import example_inputs
    from observatoire.areas.ranking import rank_areas
    from observatoire.pipeline import run

    results = run(example_inputs())
    code = rank_areas(results.areas, "count", k=20, settings=results.settings)["domain"].iloc[2]
    return dict(zip(results.geography.iris["code"], results.geography.iris["name"]))[code]


def test_quartiers_row_click_explains_that_iris(server, browser):
    """Clicking a row of the list explains that IRIS (and the map outlines it: same query
    parameter, tested with AppTest). A click on the map cannot be tested here: headless
    Chromium delivers hover events to deck.gl (the tooltip shows) but no click selection,
    even on a one-polygon app; the map's callback is tested with the event Streamlit sends."""
    from browser_harness import wait_until_idle
    from test_pages import screenshot

    expected = _third_ranked_name()
    visit = open_page(browser, page_url(server, page_named("quartiers")), viewport=(1366, 900))
    page = visit.page
    try:
        first = _explained(page)
        assert first.startswith("Pourquoi ") and expected not in first
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.evaluate("element => element.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(1000)
        box = grid.bounding_box()
        row_height = 35  # Streamlit's default row height; the header has the same height
        page.mouse.click(box["x"] + 12, box["y"] + row_height * 3.5)  # the third row's selector
        page.wait_for_function(
            "(name) => document.querySelector('[data-testid=\"stMain\"] h3').innerText.includes(name)",
            arg=expected, timeout=60_000)
        wait_until_idle(page)
        assert _explained(page) == f"Pourquoi {expected} ?"
        assert "iris=" in page.url  # the choice is in the address: a link opens the same IRIS
        screenshot(page, SCREENS / "quartiers-selection.png")
        assert not [e for e in visit.console_errors if "404" not in e], visit.console_errors
    finally:
        visit.page.context.close()

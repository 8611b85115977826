"""Every page of app.py on a 390×844 phone (and at 1366×768): no sideways scroll, a page of
reasonable length, the menu closing after a choice, the maps showing the whole territory.

The browser keeps Chromium's desktop user agent on purpose: Streamlit closes its menu by itself
for a « mobile » user agent only, and a narrow window, a tablet or a phone asking for the desktop
site must behave the same (observatoire/ui/screen.py). Screenshots of each page at both sizes go
to $SCREENS_DIR (`<page>-390.png`, `<page>-1366.png`).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from browser_harness import PAGES, SCREENS, page_named, page_url, wait_until_idle

pytestmark = pytest.mark.browser
PHONE, DESKTOP = (390, 844), (1366, 768)
# Six screens of a 390×844 phone: a page read in a few thumb flicks. Before the fix the IRIS
# map page was 35,000 px (42 screens) and the commitments list 12,000 px; long tables and lists
# are now folded on phones (tables of more than 30 rows everywhere).
PHONE_HEIGHT_BUDGET = 6 * PHONE[1]
MAPS = {"carte": '[data-testid="stDeckGlJsonChart"] canvas', "quartiers": '[data-testid="stDeckGlJsonChart"] canvas'}
SIZE = """() => { const main = document.querySelector('[data-testid="stMain"]');
  return {document: document.documentElement.scrollWidth, main: main.scrollWidth, window: window.innerWidth,
          height: main.scrollHeight}; }"""


def settle(page) -> None:
    """The first run, then the rerun the page makes once it knows the screen's width."""
    wait_until_idle(page)
    page.wait_for_timeout(1500)
    wait_until_idle(page)


@pytest.fixture(scope="module")
def opened(server, browser):
    """Each page opened once per size (fresh context: a first visit), kept for the module."""
    cache = {}

    def open_at(url_path: str, size: tuple[int, int], level: str | None = None):
        key = (url_path, size, level)
        if key not in cache:
            context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-FR")
            page = context.new_page()
            page.goto(page_url(server, page_named(url_path)), wait_until="load")
            settle(page)
            if level:
                page.get_by_text(level, exact=True).click()
                settle(page)
            cache[key] = page
        return cache[key]

    yield open_at
    for page in cache.values():
        page.context.close()


def full_screenshot(page, name: str) -> None:
    """The whole page (Streamlit scrolls inside its main block: the viewport grows to fit it)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(SIZE)["height"]
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    page.wait_for_timeout(700)
    page.screenshot(path=str(SCREENS / name))
    page.set_viewport_size(size)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path for p in PAGES])
def test_page_fits_a_phone_and_stays_short(opened, entry):
    page = opened(entry.url_path, PHONE)
    size = page.evaluate(SIZE)
    full_screenshot(page, f"{entry.url_path}-390.png")
    full_screenshot(opened(entry.url_path, DESKTOP), f"{entry.url_path}-1366.png")
    print(f"{entry.url_path} at 390×844: {size}")
    assert size["document"] <= size["window"] and size["main"] <= size["window"], size  # no sideways scroll
    assert size["height"] <= PHONE_HEIGHT_BUDGET, size


def test_map_page_at_iris_level_stays_short(opened):
    """The IRIS level's table (hundreds of rows) is folded: the page was 35,000 px long."""
    page = opened("carte", PHONE, "IRIS, estimation directe")
    size = page.evaluate(SIZE)
    full_screenshot(page, "carte-iris-390.png")
    assert size["document"] <= size["window"] and size["height"] <= PHONE_HEIGHT_BUDGET, size


def _coloured_frame(page, selector: str) -> tuple[int, float]:
    """Coloured pixels (an area's fill: every class and tier colour is saturated; names, borders,
    dots and grey areas are not) on the canvas's outer 3 px, and the share of coloured pixels."""
    canvas = page.locator(selector).first
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    width, height = image.size
    pixels = image.load()

    def coloured(x, y):
        r, g, b = pixels[x, y]
        return max(r, g, b) - min(r, g, b) > 40

    frame = [(x, y) for x in range(width) for y in (*range(3), *range(height - 3, height))]
    frame += [(x, y) for y in range(height) for x in (*range(3), *range(width - 3, width))]
    inside = sum(coloured(x, y) for x in range(0, width, 4) for y in range(0, height, 4))
    return sum(coloured(x, y) for x, y in frame), inside / ((width // 4 + 1) * (height // 4 + 1))


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1366"])
@pytest.mark.parametrize("url_path, level", [("carte", None), ("carte", "IRIS, estimation directe"), ("quartiers", None)])
def test_map_shows_the_whole_territory(opened, url_path, level, size):
    """No area touches the map's frame (the territory is inside the canvas, east included) and
    the areas fill a good part of it."""
    page = opened(url_path, size, level)
    touching, share = _coloured_frame(page, MAPS[url_path])
    assert touching == 0 and share > 0.2, (touching, share)


def test_menu_closes_after_a_choice_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(page_url(server, page_named("accueil")), wait_until="load")
        settle(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "true"  # closed on arrival (Streamlit's own rule)
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_timeout(500)
        assert sidebar.get_attribute("data-collapsed") == "false"
        page.locator('[data-testid="stSidebarNav"] a', has_text="Carte").click()
        settle(page)
        assert page.url.endswith("/carte")
        assert sidebar.get_attribute("data-collapsed") == "true"
        assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0  # off screen
    finally:
        context.close()

"""Présentation in Chromium at a laptop's 1366×768 and a projector's 1920×1080: each screen fits
(no vertical scrollbar, the figure inside the viewport), no sidebar, a one-line banner, ← → move
between screens, and printing a screen gives one page."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from browser_harness import SCREENS, page_named, wait_until_idle
from observatoire import council
from observatoire.ui.loaders import territory_results

pytestmark = pytest.mark.browser
VIEWPORTS = [(1366, 768), (1920, 1080)]
FITS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const banner = document.querySelector('[data-testid="stAlert"]');
  const figure = document.querySelector('.slide-value, .slide-map svg, [data-testid="stTable"], [data-testid="stMarkdown"]:last-of-type');
  const box = (e) => e ? e.getBoundingClientRect() : null;
  return {
    mainOverflow: main.scrollHeight - main.clientHeight,
    pageOverflow: document.documentElement.scrollHeight - window.innerHeight,
    contentBottom: box(block.lastElementChild || block).bottom,
    sidebarWidth: sidebar ? box(sidebar).width * (getComputedStyle(sidebar).display !== 'none') : 0,
    bannerHeight: banner ? box(banner).height : null,
    figureTop: figure ? box(figure).top : null,
    figureBottom: figure ? box(figure).bottom : null,
    title: document.querySelector('[data-testid="stMain"] h2').innerText,
  };
}"""


@pytest.fixture(scope="module")
def screens():
    return council.screens(territory_results())


def _open(browser, server, size, number=1):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server}/{page_named('presentation').url_path}?ecran={number}")
    wait_until_idle(page)
    return page


def _wait_for_title(page, title: str) -> None:
    page.wait_for_function("(t) => document.querySelector('[data-testid=\"stMain\"] h2')?.innerText === t", arg=title,
                           timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(300)  # let Vega and the SVG settle


def _check(page, screen, number: int, size: tuple[int, int]) -> None:
    width, height = size
    facts = page.evaluate(FITS)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"presentation_{width}x{height}_{number:02d}.png"))
    where = f"screen {number} ({screen.kind}) at {width}×{height}: {facts}"
    assert facts["mainOverflow"] <= 1 and facts["pageOverflow"] <= 1, where  # no vertical scrollbar
    assert facts["contentBottom"] <= height, where
    assert 0 <= facts["figureTop"] and facts["figureBottom"] <= height, where
    assert facts["sidebarWidth"] == 0, where
    assert facts["bannerHeight"] is not None and facts["bannerHeight"] <= 50, where  # one line


def test_every_screen_fits_a_laptop_and_arrow_keys_move_on(browser, server, screens):
    """1366×768, the tightest: every screen, reached with the → key from the first."""
    page = _open(browser, server, VIEWPORTS[0])
    try:
        for number, screen in enumerate(screens, start=1):
            _wait_for_title(page, screen.title)
            assert number == 1 or f"ecran={number}" in page.url
            _check(page, screen, number, VIEWPORTS[0])
            if number < len(screens):
                page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowLeft")
        _wait_for_title(page, screens[-2].title)
    finally:
        page.context.close()


def test_one_screen_of_each_kind_fits_a_projector(browser, server, screens):
    """1920×1080: type grows with the screen, so each kind of screen is checked again (the
    longest theme screen for the commitments)."""
    firsts = {}
    for number, screen in enumerate(screens, start=1):
        if screen.kind not in firsts or (screen.rows is not None and len(screen.rows) > len(screens[firsts[screen.kind] - 1].rows)):
            firsts[screen.kind] = number
    page = _open(browser, server, VIEWPORTS[1])
    try:
        for number in sorted(firsts.values()):
            page.goto(f"{page.url.split('?')[0]}?ecran={number}")
            _wait_for_title(page, screens[number - 1].title)
            _check(page, screens[number - 1], number, VIEWPORTS[1])
    finally:
        page.context.close()


@pytest.mark.parametrize("kind", ["figure", "map", "theme"])
def test_printing_a_screen_gives_one_clean_page(browser, server, screens, kind):
    number = next(i for i, s in enumerate(screens, start=1) if s.kind == kind)
    page = _open(browser, server, VIEWPORTS[0], number)
    try:
        _wait_for_title(page, screens[number - 1].title)
        page.emulate_media(media="print")
        buttons = page.locator('[data-testid="stMain"] button:visible').count()
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.context.close()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert len(reader.pages) == 1, f"{kind}: {len(reader.pages)} pages"
    assert buttons == 0 and "Suivant" not in text and "Précédent" not in text
    assert screens[number - 1].title.split(" (")[0] in text and "Données de démonstration" in text

"""What needs JavaScript: the map drawn by deck.gl, and the download buttons delivering files."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from browser_harness import page_named

pytestmark = pytest.mark.browser


def _canvas_colours(page, selector: str, timeout_s: float = 20) -> tuple[int, float]:
    """Distinct colours and share of non-white pixels of a canvas, once deck.gl has drawn."""
    canvas = page.locator(selector).first
    canvas.wait_for(state="visible", timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    while True:
        image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
        pixels = list(image.getdata())
        colours = len(set(pixels))
        painted = sum(p != (255, 255, 255) for p in pixels) / len(pixels)
        if (colours > 5 and painted > 0.2) or time.monotonic() > deadline:
            return colours, painted
        time.sleep(0.5)


def test_map_canvas_is_drawn(visits):
    page = visits(page_named("carte")).page
    colours, painted = _canvas_colours(page, '[data-testid="stDeckGlJsonChart"] canvas')
    assert colours > 5 and painted > 0.2, (colours, painted)


def _download(page, label: str) -> bytes:
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=label, exact=True).click()
    return info.value.path().read_bytes()


@pytest.mark.parametrize("label, magic", [("Tableau CSV", b"\xef\xbb\xbf"), ("Tableau XLSX", b"PK")])
def test_map_table_downloads(visits, label, magic):
    data = _download(visits(page_named("carte")).page, label)
    assert data.startswith(magic) and len(data) > 200

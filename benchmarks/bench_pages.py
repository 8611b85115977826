"""Page cost: server render time (AppTest, warm cache) and, in headless Chromium, what a first
visit of each page downloads (HTTP requests and bytes, websocket bytes) and how long it takes.

Run: `.venv/bin/python benchmarks/bench_pages.py` (needs /usr/bin/chromium: `make browser`).
Prints one table; pages are read from app.py.
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from streamlit.testing.v1 import AppTest  # noqa: E402

from browser_harness import CHROMIUM, PAGES, chromium, open_page, page_url, serve  # noqa: E402

RUNS = 3
logging.disable(logging.WARNING)  # bare AppTest runs log "missing ScriptRunContext" notices


def render_seconds(path: str) -> float:
    """Median wall time of a page's script run, after a first run has filled the caches."""
    AppTest.from_file(str(ROOT / path), default_timeout=120).run()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        AppTest.from_file(str(ROOT / path), default_timeout=120).run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_visits() -> dict[str, dict]:
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} missing: browser figures skipped (run `make browser`)")
        return {}
    figures = {}
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp) / "server.log") as url, chromium() as browser:
        for page in PAGES:  # a throw-away visit warms the server's caches, not the browser's
            open_page(browser, page_url(url, page)).page.context.close()
        for page in PAGES:
            visit = open_page(browser, page_url(url, page))
            figures[page.url_path] = {
                "requests": len(visit.requests),
                "http_kb": visit.transferred / 1024,
                "ws_kb": visit.ws_received / 1024,
                "load_s": visit.load_seconds,
                "outside": len(visit.outside),
            }
            visit.page.context.close()
    return figures


def main() -> None:
    visits = first_visits()
    print(f"{'page':<14}{'render s':>10}{'requests':>10}{'HTTP kB':>10}{'WS kB':>9}{'load s':>8}{'outside':>9}")
    for page in PAGES:
        seconds = render_seconds(page.path)
        v = visits.get(page.url_path)
        browser = (f"{v['requests']:>10}{v['http_kb']:>10.0f}{v['ws_kb']:>9.0f}{v['load_s']:>8.1f}{v['outside']:>9}"
                   if v else "")
        print(f"{page.url_path:<14}{seconds:>10.2f}{browser}")
    print("HTTP kB: bytes received over HTTP (headers + encoded bodies); WS kB: websocket frames "
          "(the page's elements and data); outside: requests to any host other than 127.0.0.1.")


if __name__ == "__main__":
    main()

"""Serving the app and visiting its pages in headless Chromium (browser tests and benchmarks).

`serve()` runs the app as `make run` does (`observatoire serve`) on a free loopback port; `open_page()` loads one page in a
fresh browser context (a first visit, cold cache) and records every request, console error,
HTTP error, transferred byte and websocket frame.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def require_tools() -> None:
    """Skip when Chromium or axe-core is missing, unless `make test` demands them (it installs
    both first): there a missing browser must fail the run, not pass it silently."""
    missing = [str(path) for path in (CHROMIUM, AXE_JS) if not path.exists()]
    if not missing:
        return
    message = f"{', '.join(missing)} missing: run `make browser`"
    if os.environ.get("OBSERVATOIRE_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
SCREENS = Path(os.environ.get("SCREENS_DIR", "/tmp/screens"))


@dataclass(frozen=True)
class AppPage:
    path: str
    title: str
    url_path: str


def app_pages(app: Path = ROOT / "app.py") -> list[AppPage]:
    """The `st.Page(...)` entries of app.py, read from its syntax tree (never hard-coded)."""
    pages = []
    for node in ast.walk(ast.parse(app.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and _is_file_page(node):
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            path = ast.literal_eval(node.args[0])
            pages.append(AppPage(path, kwargs["title"], kwargs.get("url_path", Path(path).stem)))
    return pages


def _is_file_page(node: ast.Call) -> bool:
    """A page of pages/ (not the hidden root, which only leads to /accueil)."""
    return isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)


PAGES = app_pages()


@dataclass
class Visit:
    """What one first load of a page did (kept open for the tests that click)."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    transferred: int = 0
    ws_received: int = 0
    load_seconds: float = 0.0

    @property
    def outside(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname not in LOCAL_HOSTS and not url.startswith(("data:", "blob:"))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not answer /_stcore/health")


def wait_until_idle(page, timeout_ms: int = 180_000) -> None:
    """Wait until the script has run and no element is still stale (Streamlit's own markers)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]') && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=timeout_ms,
    )


def open_page(browser, url: str, viewport=(1280, 900)) -> Visit:
    """A fresh context (cold cache), every request and websocket frame recorded, page loaded."""
    context = browser.new_context(accept_downloads=True, viewport={"width": viewport[0], "height": viewport[1]},
                                  locale="fr-FR")
    page = context.new_page()
    visit = Visit(page)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and visit.console_errors.append(message.text))
    page.on("pageerror", lambda error: visit.console_errors.append(f"pageerror: {error}"))
    page.on("response", lambda r: r.status >= 400 and visit.console_errors.append(f"HTTP {r.status} {r.url}"))

    def finished(request):
        try:
            sizes = request.sizes()
        except Exception:  # the context closed while a late request was finishing: nothing to count
            return
        visit.transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("requestfinished", finished)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: _count_frame(visit, payload)))
    start = time.monotonic()
    page.goto(url, wait_until="load")
    wait_until_idle(page)
    visit.load_seconds = time.monotonic() - start
    return visit


def _count_frame(visit: Visit, payload) -> None:
    visit.ws_received += len(payload)


def page_url(server: str, app_page: AppPage) -> str:
    return f"{server}/{app_page.url_path}"


def not_found_dialogs(page) -> list[str]:
    """Texts of Streamlit's « Page not found » dialogs on the page (none expected, ever: see
    observatoire/ui/server.py for the first visit of a fresh server, app.py for /accueil)."""
    return [text for text in page.get_by_role("dialog").all_inner_texts() if "not found" in text.lower()]


def page_named(url_path: str) -> AppPage:
    return next(p for p in PAGES if p.url_path == url_path)


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    start_seconds: float  # from launch to the first healthy answer


@contextlib.contextmanager
def served(log_path: Path, env: dict | None = None):
    """`observatoire serve` (what `make run` starts) on a free loopback port until the block ends."""
    port = _free_port()
    with log_path.open("w") as log:
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "observatoire", "serve", "--port", str(port), "--address", "127.0.0.1"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            yield Server(url, process.pid, time.monotonic() - start)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextlib.contextmanager
def serve(log_path: Path):
    """The served app's base URL (see `served`)."""
    with served(log_path) as server:
        yield server.url


@functools.cache
def _shared_browser():
    """One Playwright and one Chromium per process: Playwright's sync API cannot run twice at
    once in a thread, and the app's and the static site's browser tests share a pytest run."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    def stop() -> None:
        browser.close()
        playwright.stop()

    atexit.register(stop)
    return browser


@contextlib.contextmanager
def chromium():
    """The process's Chromium (launched on first use, closed at exit); callers open contexts in it."""
    yield _shared_browser()

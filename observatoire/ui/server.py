"""Serving the app (`observatoire serve`, `make run`): Streamlit on app.py, ready before its
first visitor.

- The territory's results are computed (or read from the results cache) before the server
  listens (`loaders.warm`).
- Streamlit is told that app.py routes with `st.navigation`. With a folder named `pages/` beside
  the main script, Streamlit treats the first script run of a fresh process as a legacy
  multipage app: the menu lists raw file names and a first visit of a page URL (`/carte`, or
  `/engagements?id=…`) gets a « Page not found » dialog (streamlit/streamlit#9992, #8860). The
  flag it reads is decided once per process; setting it first removes both.
- Once listening, the server visits each of its pages once (`visits.visit`, through its own
  websocket): what a first visit of a page costs only once per process (compiling the page,
  Streamlit's lazy imports, the shared tables and maps of `loaders.shared`) is paid before any
  visitor comes. Until then /_stcore/health answers 503, so that a proxy, an orchestrator or a
  test waits for a warm server (browsers retry on their own).
- Then what is loaded (libraries, results, contours, shared figures) is moved out of the garbage
  collector's sight (`gc.freeze`): Streamlit runs a full collection after every script run
  (`runner.postScriptGC`), which otherwise walks those hundreds of thousands of long-lived objects
  each time (0.15 s of CPU or more per page view, more than the page itself).
- The HTML shell every page URL first receives is in French (`FrenchShell`).
"""

from __future__ import annotations

import ast
import contextlib
import gc
import logging
import re
import socket
import sys
import threading
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"
READY = threading.Event()  # set once the warm-up visits are done
LOGGER = logging.getLogger(__name__)


def page_paths(app: Path = APP) -> list[str]:
    """The URL paths of app.py's pages (`url_path=` of each st.Page; "" for the default page,
    served at the root), in the order of app.py."""
    paths = []
    for node in ast.walk(ast.parse(app.read_text("utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            keywords = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            paths.append("" if keywords.get("default") else keywords.get("url_path", ""))
    return paths


def use_navigation_routing() -> None:
    """Have the first script run of this process route with app.py's st.navigation (see above)."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def serve(port: int | None = None, address: str | None = None) -> int:
    """Warm up, then serve app.py until the server stops."""
    import streamlit as st
    from starlette.middleware import Middleware

    # Outside a script run, which Streamlit would log as warnings (at import and at the first call).
    with _quiet("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        from observatoire.ui import loaders

        loaders.warm()
    use_navigation_routing()
    # App.run anchors its configuration on the launching script, as `streamlit run app.py` does.
    sys.argv = [str(APP)]
    config = {**({"server.port": port} if port else {}), **({"server.address": address} if address else {})}
    app = st.App(APP, lifespan=_warm_pages, middleware=[Middleware(WarmUpGate), Middleware(FrenchShell)])
    app.run(config=config)
    return 0


@contextlib.contextmanager
def _quiet(*loggers: str):
    levels = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@contextlib.asynccontextmanager
async def _warm_pages(app):
    threading.Thread(target=warm_pages, name="observatoire-warm-up", daemon=True).start()
    yield


def local_url() -> str:
    """The server's own URL, from the running configuration."""
    from streamlit import config

    address = config.get_option("server.address") or "127.0.0.1"
    host = "127.0.0.1" if address in ("0.0.0.0", "::", "localhost") else address
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{config.get_option('server.port')}" + (f"/{base}" if base else "")


def warm_pages(timeout: float = 120) -> None:
    """Visit every page once as soon as the server listens, then freeze the heap and open."""
    from observatoire.ui import visits

    url = local_url()
    try:
        _wait_listening(url, timeout)
        for page in page_paths():
            problems = visits.visit(url, page, timeout).problems
            if problems:
                LOGGER.warning("warm-up visit of /%s: %s", page, "; ".join(problems))
    except Exception:  # a warm-up that fails only costs the first visitors their wait
        LOGGER.exception("warm-up visits failed")
    finally:
        gc.collect()
        gc.freeze()
        READY.set()


def _wait_listening(url: str, timeout: float) -> None:
    host, port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class WarmUpGate:
    """/_stcore/health answers 503 until the warm-up visits are done (ASGI middleware)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/_stcore/health") and not READY.is_set():
            body = b"warming up"
            await send({"type": "http.response.start", "status": 503,
                        "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


class FrenchShell:
    """Streamlit's HTML shell in French (ASGI middleware).

    Every page URL first receives the same small HTML document, which shows nothing until about
    3 MB of JavaScript have loaded and the page's script has run, and says `lang="en"`, « You need
    to enable JavaScript… » and « Streamlit ». Here it says `lang="fr"`, names the observatory and
    shows « Chargement de l'observatoire… » until the app replaces it. The document is asked for
    uncompressed (Streamlit gzips it on page URLs; a reverse proxy compresses what leaves the host).
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or any(part in scope["path"] for part in UNTOUCHED):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        held: dict = {}

        async def rewrite(message) -> None:
            if message["type"] == "http.response.start" and _is_html(message):
                held["start"], held["body"] = message, b""
            elif message["type"] == "http.response.body" and "start" in held:
                held["body"] += message.get("body", b"")
                if not message.get("more_body"):
                    body = french_shell(held["body"].decode("utf-8")).encode("utf-8")
                    headers = [(k, v) for k, v in held["start"]["headers"] if k.lower() != b"content-length"]
                    await send({**held["start"], "headers": [*headers, (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, rewrite)


UNTOUCHED = ("/_stcore/", "/static/", "/media/", "/component/")  # never the HTML shell
TITLE = "Observatoire du numérique"
LOADING = '<p style="font-family:sans-serif;margin:2rem;color:#161616">Chargement de l’observatoire…</p>'
NOSCRIPT = ("<noscript><p>Cette application a besoin de JavaScript : activez-le dans votre navigateur pour "
            "consulter l’observatoire.</p></noscript>")


def _is_html(start: dict) -> bool:
    headers = dict(start.get("headers", []))
    return start.get("status") == 200 and headers.get(b"content-type", b"").startswith(b"text/html")


def french_shell(html: str) -> str:
    """Streamlit's index.html with French language, title, loading message and noscript text."""
    html = html.replace('<html lang="en">', '<html lang="fr">').replace("<title>Streamlit</title>", f"<title>{TITLE}</title>")
    html = re.sub(r"<noscript>.*?</noscript>", NOSCRIPT, html, flags=re.DOTALL)
    return html.replace('<div id="root"></div>', f'<div id="root">{LOADING}</div>')

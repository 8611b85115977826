"""How the app is served (observatoire.ui.server, `observatoire serve`): the French HTML shell,
the health check that waits for the warm-up, the pages it warms. The served app itself is
tested in tests/browser/test_first_visit.py."""

from __future__ import annotations

import asyncio
import subprocess
from concurrent.futures import ThreadPoolExecutor
import sys
from pathlib import Path

import streamlit

from app_harness import ROOT, app_pages
from observatoire.ui import server

STREAMLIT_SHELL = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")


def test_the_shell_is_french_and_says_it_is_loading():
    shell = server.french_shell(STREAMLIT_SHELL)
    assert '<html lang="fr">' in shell and f"<title>{server.TITLE}</title>" in shell
    assert "Chargement de l’observatoire…" in shell.split('<div id="root">', 1)[1]
    assert "You need to enable JavaScript" not in shell and "activez-le dans votre navigateur" in shell
    assert shell.count("<script") == STREAMLIT_SHELL.count("<script")  # the app itself is untouched


def _call(middleware, path: str, method: str = "GET", headers=()) -> tuple[list[dict], dict]:
    """One request through an ASGI middleware; returns what it sent and the scope the app saw."""
    seen, sent = {}, []

    async def app(scope, receive, send):
        seen.update(scope)
        body = STREAMLIT_SHELL.encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": list(headers)}
    # In a thread of its own: Playwright's sync API may hold an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, middleware(app)(scope, None, send)).result()
    return sent, seen


def test_every_page_url_gets_the_french_shell_uncompressed():
    sent, seen = _call(server.FrenchShell, "/carte", headers=[(b"accept-encoding", b"gzip, br")])
    assert b"accept-encoding" not in dict(seen["headers"])  # rewritten here, compressed by the proxy
    start, body = sent
    assert b'lang="fr"' in body["body"]
    assert dict(start["headers"])[b"content-length"] == str(len(body["body"])).encode()
    sent, seen = _call(server.FrenchShell, "/static/js/index.js", headers=[(b"accept-encoding", b"gzip")])
    assert b'lang="en"' in sent[1]["body"] and b"accept-encoding" in dict(seen["headers"])


def test_health_waits_for_the_warm_up(monkeypatch):
    monkeypatch.setattr(server, "READY", type(server.READY)())
    sent, _ = _call(server.WarmUpGate, "/_stcore/health")
    assert sent[0]["status"] == 503
    sent, _ = _call(server.WarmUpGate, "/accueil")
    assert sent[0]["status"] == 200  # pages are served meanwhile: a browser retries its health check
    server.READY.set()
    sent, _ = _call(server.WarmUpGate, "/_stcore/health")
    assert sent[0]["status"] == 200


def test_the_warm_up_visits_every_page_and_the_root():
    assert sorted(server.page_paths()) == sorted(["", *(p.url_path for p in app_pages())])


def test_serve_with_a_broken_territory_says_so_in_french(tmp_path):
    done = subprocess.run([sys.executable, "-m", "observatoire", "serve", "--territory", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Aucun fichier observatoire.yaml" in done.stderr and "Traceback" not in done.stderr

"""Headless Chromium against one served app for the whole session (`@pytest.mark.browser`).

One server and one browser; each page of app.py's list is loaded once, on first use, in a fresh
context, and kept open for the tests that read its record or click in it. Skipped (with the
reason) when Chromium or axe-core is missing: `make browser` installs both.
"""

from __future__ import annotations

import pytest

from browser_harness import AppPage, Visit, chromium, open_page, page_url, require_tools, serve


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    require_tools()
    with serve(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(server):
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="session")
def visits(server, browser):
    """One cold visit per page of app.py, made on first use and kept for the session."""
    cache: dict[str, Visit] = {}

    def visit(app_page: AppPage) -> Visit:
        if app_page.url_path not in cache:
            cache[app_page.url_path] = open_page(browser, page_url(server, app_page))
        return cache[app_page.url_path]

    yield visit
    for item in cache.values():
        item.page.context.close()

"""Every page listed in app.py runs through the router and has its own test module."""

import pytest
from streamlit.testing.v1 import AppTest

from app_harness import APP, TIMEOUT, app_pages
from example_territory import EXAMPLE, ROOT

PAGES = app_pages()


def test_page_list_is_read_from_app():
    assert PAGES, "no st.Page found in app.py"
    assert PAGES[0].url_path == "accueil"
    assert len({p.url_path for p in PAGES}) == len(PAGES)


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_has_a_test_module(entry):
    stem = entry.path.removeprefix("pages/").removesuffix(".py")
    assert (ROOT / "tests" / "app" / f"test_page_{stem}.py").is_file(), f"{entry.path} has no tests/app/test_page_{stem}.py"


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_runs_in_the_router(entry):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(entry.path).run()
    assert not at.exception, [e.message for e in at.exception]
    # The home page is titled with the territory's name, the others with their menu title.
    assert (EXAMPLE.name if entry.url_path == "accueil" else entry.title) in at.title[0].value
    assert "Données de démonstration" in at.warning[0].value

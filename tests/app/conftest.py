"""Fixtures of the AppTest suite (helpers live in app_harness.py)."""

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from observatoire.pipeline import Results
from observatoire.ui.loaders import territory_results


@pytest.fixture(scope="session")
def demo() -> Results:
    """The demo results from the app's own cache: the pipeline runs once per test process."""
    return territory_results()


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """The files the page's download buttons would deliver, by file name: {name: callable -> bytes}.

    The pages build files on click (deferred data); the file name is not in the button's message,
    so it is read where Streamlit registers the deferred file."""
    files = {}
    register = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        files[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return files

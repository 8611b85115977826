"""Fixtures of the AppTest suite (helpers live in app_harness.py)."""

import pytest

from observatoire.pipeline import Results
from observatoire.ui.loaders import demo_results


@pytest.fixture(scope="session")
def demo() -> Results:
    """The demo results from the app's own cache: the pipeline runs once per test process."""
    return demo_results()

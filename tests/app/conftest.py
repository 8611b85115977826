"""Fixtures of the AppTest suite (helpers live in app_harness.py)."""

import pytest

from observatoire.pipeline import Inputs, Results, run


@pytest.fixture(scope="session")
def demo() -> Results:
    return run(Inputs.demo())

"""Fixtures of the hardening suite (hostile-file builders live in hostile.py)."""

from __future__ import annotations

import pytest

from example_territory import example_inputs
from observatoire.pipeline import Results, run


@pytest.fixture(scope="session")
def demo_results() -> Results:
    return run(example_inputs())

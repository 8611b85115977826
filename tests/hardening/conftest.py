"""Fixtures of the hardening suite (hostile-file builders live in hostile.py)."""

from __future__ import annotations

import pytest

from observatoire.pipeline import Inputs, Results, run


@pytest.fixture(scope="session")
def demo_results() -> Results:
    return run(Inputs.demo())

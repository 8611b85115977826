"""Fixtures shared by every test folder (helpers importable as `example_territory`)."""

import pytest

from example_territory import EXAMPLE, example_geography, example_spec


@pytest.fixture(scope="session")
def example():
    return EXAMPLE


@pytest.fixture(scope="session")
def spec():
    return example_spec()


@pytest.fixture(scope="session")
def geography():
    return example_geography()

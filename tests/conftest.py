"""Fixtures shared by every test folder (helpers importable as `example_territory`)."""

import atexit
import os
import shutil
import tempfile

import pytest

from example_territory import EXAMPLE, example_geography, example_spec
from observatoire import results_cache

# The app's results cache (observatoire.results_cache) of this run lives in a folder of its own,
# not in the user's ~/.cache; the servers that browser tests start inherit the variable.
if not os.environ.get(results_cache.ENV_VAR):
    os.environ[results_cache.ENV_VAR] = tempfile.mkdtemp(prefix="observatoire-cache-")
    atexit.register(shutil.rmtree, os.environ[results_cache.ENV_VAR], True)


@pytest.fixture(scope="session")
def example():
    return EXAMPLE


@pytest.fixture(scope="session")
def spec():
    return example_spec()


@pytest.fixture(scope="session")
def geography():
    return example_geography()

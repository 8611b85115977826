"""Fixtures of the territory tests: the second territory, built once per session."""

import shutil
import sys
from pathlib import Path

import pytest

from observatoire.pipeline import Inputs, Results, run
from observatoire.territory import Territory, load_territory
from second_territory import build

sys.path.insert(0, str(Path(__file__).parents[1] / "app"))  # app_harness: the app's page list


@pytest.fixture(scope="session")
def second_root(tmp_path_factory) -> Path:
    """The second territory's directory (do not modify: copy it with `copy_of`)."""
    return build(tmp_path_factory.mktemp("second"))


@pytest.fixture(scope="session")
def second(second_root) -> Territory:
    return load_territory(second_root)


@pytest.fixture(scope="session")
def second_results(second) -> Results:
    return run(Inputs.of(second))


@pytest.fixture
def copy_of(tmp_path):
    """A private copy of a territory directory, to modify."""
    def copy(root: Path) -> Path:
        return Path(shutil.copytree(root, tmp_path / root.name))
    return copy

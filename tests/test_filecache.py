"""Input files parsed once per change (observatoire.filecache), and what relies on it: the
pipeline's fingerprint and the territory's parsed files."""

from __future__ import annotations

import os
import shutil

import pytest

from example_territory import EXAMPLE
from observatoire import filecache
from observatoire.pipeline import Inputs, territory_data, territory_files
from observatoire.territory import load_territory


def test_digest_and_parsed_follow_the_file_content(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("un")
    calls = []

    def parse():
        calls.append(1)
        return path.read_text()

    first = filecache.digest(path)
    assert filecache.parsed(("t", str(path)), parse, files=[path]) == "un"
    assert filecache.parsed(("t", str(path)), parse, files=[path]) == "un" and len(calls) == 1
    path.write_text("deux")
    assert filecache.digest(path) != first
    assert filecache.parsed(("t", str(path)), parse, files=[path]) == "deux" and len(calls) == 2


def test_a_file_rewritten_with_the_same_size_is_seen_by_its_time(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("un")
    first = filecache.digest(path)
    path.write_text("nu")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert filecache.digest(path) != first


def test_errors_are_not_remembered(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")

    def broken():
        raise ValueError("cassé")

    with pytest.raises(ValueError):
        filecache.parsed(("broken",), broken, files=[path])
    assert filecache.parsed(("broken",), lambda: "réparé", files=[path]) == "réparé"


def test_folders_count_every_file_under_them(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yaml").write_text("a: 1")
    before = filecache.stamps([tmp_path])
    (tmp_path / "sub" / "b.yaml").write_text("b: 2")
    assert filecache.stamps([tmp_path]) != before


@pytest.fixture
def territory_copy(tmp_path):
    """The example territory's own files, copied (the repository root holds much more)."""
    root = tmp_path / "territoire"
    for path in [EXAMPLE.survey, *territory_files(EXAMPLE)]:
        target = root / path.relative_to(EXAMPLE.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return root


def test_territory_files_are_parsed_once_and_again_when_one_changes(territory_copy):
    territory = load_territory(territory_copy)
    inputs = Inputs.of(territory)
    parsed, fingerprint = territory_data(territory), inputs.fingerprint()
    assert territory_data(territory) is parsed and inputs.fingerprint() == fingerprint
    catalog = territory_copy / EXAMPLE.catalog.relative_to(EXAMPLE.root)
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n# modifié\n", encoding="utf-8")
    assert territory_data(territory) is not parsed
    assert inputs.fingerprint() != fingerprint

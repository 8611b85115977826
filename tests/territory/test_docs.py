"""The territory documentation names every key of observatoire.yaml, every finding code of
`observatoire check` and every JSON key of its report, and the guide exists (docs/)."""

import re

import pytest

from example_territory import ROOT
from observatoire.checks import CATALOGUE, PARTS
from observatoire.territory import KEYS

DOC = ROOT / "docs" / "territoire.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("key", [k.path for k in KEYS])
def test_every_key_is_documented(doc, key):
    assert re.search(rf"^\| `{re.escape(key)}` \|", doc, re.MULTILINE), f"{key} has no row in {DOC.name}"


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_every_finding_code_is_documented(doc, code):
    assert re.search(rf"^\| `{code}` \|", doc, re.MULTILINE), code


def test_json_keys_and_parts_are_documented(doc):
    for key in ("territory", "status", "exit_code", "parts", "findings", "checked", "summary", "row", "column",
                "key", "value", "message", "hint"):
        assert f"`{key}`" in doc, key
    assert ", ".join(f"`{part}`" for part in PARTS) in doc


def test_the_steward_guide_covers_every_step():
    guide = (ROOT / "docs" / "guide-territoire.md").read_text(encoding="utf-8")
    for step in ("Admin Express", "Contours IRIS", "POP1B", "FOR2", "Filosofi", "Arcep", "observatoire check",
                 "OBSERVATOIRE_TERRITORY", "observatoire site", "observatoire territory new"):
        assert step in guide, step

"""Comprendre les chiffres: every glossary entry under its own anchor, the territory's words from its
description, and every link of the pages pointing at an entry that exists."""

import re
from pathlib import Path

from app_harness import page_test
from example_territory import EXAMPLE, ROOT
from observatoire import glossary

PAGE = "pages/glossary.py"


def test_every_entry_is_shown_under_its_anchor(demo):
    at = page_test(PAGE)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == glossary.TITLE
    entries = glossary.entries(EXAMPLE.name, EXAMPLE.of_name(), len(demo.geography.communes))
    assert [h.proto.anchor for h in at.subheader] == [t.anchor for t in entries]
    assert [m.value for m in at.markdown][1:] == [t.definition for t in entries]
    assert f"{len(demo.geography.communes)} communes" in next(t.definition for t in entries if t.anchor == "territoire")


def test_every_link_of_the_pages_points_at_an_entry():
    anchors = {t.anchor for t in glossary.entries("x", "de x")}
    sources = [*ROOT.joinpath("pages").glob("*.py"), *Path(ROOT, "observatoire", "ui").glob("*.py")]
    used = {a for path in sources for a in re.findall(r"app_links?\(\(?\s*['\"]([\w-]+)['\"]", path.read_text("utf-8"))}
    used |= {a for path in sources for a in re.findall(r"['\"]([a-z]+(?:-[a-z]+)+)['\"]", path.read_text("utf-8"))
             if a in glossary.ANCHORS}
    assert used and used <= anchors
    assert all(t.definition.endswith(".") and len(t.definition) < 400 for t in glossary.TERMS)

"""The documentation covers what users script against (datasette's documentation test): every
subcommand and option of the CLI, every method setting and every finding code appear in docs/,
the generated CLI reference is up to date, and every relative link of the Markdown files resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from example_territory import ROOT
from observatoire import checks, validation
from observatoire.cli import build_parser
from observatoire.clidoc import options, reference_markdown, subcommands
from observatoire.settings import SETTINGS

DOCS = ROOT / "docs"
GENERATED = ("cli.md", "reglages.md")
PARSERS = list(subcommands(build_parser()))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _written_by_hand() -> str:
    return "\n".join(_text(path) for path in sorted(DOCS.glob("*.md")) if path.name not in GENERATED)


def _guide_sections() -> list[str]:
    """The hand-written docs cut at every heading: an option is explained where its command is shown."""
    return [section for path in sorted(DOCS.glob("*.md")) if path.name not in GENERATED
            for section in re.split(r"^#{1,6} .*$", _text(path), flags=re.MULTILINE)]


def _cli_sections() -> dict[str, str]:
    """docs/cli.md split by command: `observatoire territory new` -> its help text."""
    parts = re.split(r"^## `(.+)`$", _text(DOCS / "cli.md"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


def _mentions(text: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def test_cli_reference_is_generated_from_the_parsers():
    assert _text(DOCS / "cli.md") == reference_markdown(), \
        "régénérez : python -m observatoire.clidoc > docs/cli.md"


@pytest.mark.parametrize("parser", PARSERS, ids=[p.prog for p in PARSERS])
def test_every_command_and_option_is_documented(parser):
    section = _cli_sections().get(parser.prog)
    assert section is not None, f"{parser.prog} has no section in docs/cli.md"
    guides = [text for text in _guide_sections() if _mentions(text, parser.prog)]
    assert guides, f"no guide in docs/ shows {parser.prog}"
    for option in options(parser):
        assert _mentions(section, option), f"{parser.prog} {option} is missing from docs/cli.md"
        assert any(_mentions(text, option) for text in guides), \
            f"{parser.prog} {option}: explain it in docs/, in a section that shows {parser.prog}"


@pytest.mark.parametrize("name", list(SETTINGS))
def test_every_setting_is_documented(name):
    assert f"## `{name}`" in _text(DOCS / "reglages.md")
    assert f"`{name}`" in _written_by_hand(), f"setting {name}: say where it acts in a guide of docs/"


@pytest.mark.parametrize("code", list(validation.CATALOGUE) + list(checks.CATALOGUE))
def test_every_finding_code_is_documented(code):
    assert re.search(rf"^\| `{code}` \|", _written_by_hand(), re.MULTILINE), f"finding {code} has no row in docs/"


def test_the_readme_lists_every_document():
    readme = _text(ROOT / "README.md")
    missing = [path.name for path in DOCS.glob("*.md") if f"](docs/{path.name})" not in readme]
    assert not missing, f"add a one-line pointer to README.md for {missing}"


# --- links -------------------------------------------------------------------------------------

MARKDOWN = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _prose(text: str) -> str:
    return _CODE.sub("", _FENCE.sub("", text))


def anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered."""
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _FENCE.sub("", text), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def test_anchors_follow_github():
    assert anchors("## `observatoire check`\n## Les clés d'`observatoire.yaml`\n## 5. Les marges : Insee\n") == {
        "observatoire-check", "les-clés-dobservatoireyaml", "5-les-marges--insee"}


@pytest.mark.parametrize("document", MARKDOWN, ids=[p.name for p in MARKDOWN])
def test_relative_links_resolve(document):
    broken = []
    for target in _LINK.findall(_prose(_text(document))):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.exists():
            broken.append(f"{target} (no file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(_text(linked)):
            broken.append(f"{target} (no heading)")
    assert not broken, f"{document.name}: {broken}"

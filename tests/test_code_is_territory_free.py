"""Nothing territory-specific in code: names, codes and wording come from a territory directory.

The example territory's own words and codes are read from its files (observatoire.yaml and its
contours), so the check follows the example if it changes. Its tests and its data (the demo's
commune profiles included, data/demo/profiles.csv) may name it; code may not, the demo generator
included.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from example_territory import EXAMPLE, ROOT, example_geography

CODE = [
    *sorted((ROOT / "observatoire").rglob("*.py")),
    *sorted((ROOT / "observatoire" / "site" / "templates").glob("*")),
    *sorted((ROOT / "pages").glob("*.py")),
    ROOT / "app.py",
    ROOT / ".streamlit" / "config.toml",
]
DEMO = ROOT / "observatoire" / "demo"


def _production(path: Path) -> bool:
    """Code the observatory runs (the demo generator and its command are tools that write data)."""
    return DEMO not in path.parents and path.name != "demo.py"


def forbidden_patterns() -> list[str]:
    geography = example_geography()
    codes = {EXAMPLE.code, *geography.communes["code"], *geography.iris["code"]}
    words = ["bordeaux", "m[ée]tropole", "gironde"]
    return words + [rf"(?<![0-9A-Za-z]){re.escape(code)}(?![0-9A-Za-z])" for code in sorted(codes)]


def test_the_patterns_catch_the_example(tmp_path):
    """The check would find the example's name, wording and codes if code held them."""
    sample = f"'{EXAMPLE.name}' {EXAMPLE.short_name} {EXAMPLE.code} {example_geography().communes['code'].iloc[0]}"
    found = [p for p in forbidden_patterns() if re.search(p, sample, re.IGNORECASE)]
    assert len(found) >= 4


@pytest.mark.parametrize("path", [p for p in CODE if p.is_file()], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_territory_name_or_code_in_code(path):
    text = path.read_text(encoding="utf-8")
    hits = [(p, m.group(0)) for p in forbidden_patterns() for m in re.finditer(p, text, re.IGNORECASE)]
    assert not hits, f"{path.relative_to(ROOT)} names the example territory: {hits[:5]} — move it to the territory directory"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", [p for p in CODE if p.suffix == ".py" and _production(p)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_production_code_does_not_import_the_demo_generator(path):
    demo = [name for name in _imports(path) if name == "observatoire.demo" or name.startswith("observatoire.demo.")]
    assert not demo, f"{path.relative_to(ROOT)} imports {demo}"

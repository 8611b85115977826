"""What the parts of a check share: the territory, its geography once the contours are usable,
the survey's IRIS once it is read, and file names as the user sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from observatoire.checks.findings import Finding
from observatoire.formatting import fmt_number
from observatoire.geo import Geography
from observatoire.indicators.catalog import Catalog
from observatoire.territory import Territory


@dataclass(frozen=True)
class Part:
    """The result of one part: what was checked (French summary) and what is wrong."""

    name: str
    summary: str
    findings: tuple[Finding, ...] = ()
    checked: bool = True  # False: nothing to check (optional input not declared) or not checkable yet


@dataclass
class Context:
    root: Path
    territory: Territory | None = None
    geography: Geography | None = None
    catalog: Catalog | None = None
    survey_iris: set[str] = field(default_factory=set)

    def shown(self, path: Path) -> str:
        """`path` relative to the territory directory when inside it."""
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    """« 1 commune », « 28 communes » (French number format)."""
    return f"{fmt_number(n)} {word if n <= 1 else plural_word or word + 's'}"

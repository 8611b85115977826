"""Reference data shipped with the project, the same for every territory (emission factors,
the list of non-sovereign software). A territory's own files are named by its observatoire.yaml
(`observatoire.territory`)."""

from __future__ import annotations

from pathlib import Path

REFERENCE_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "indicators"

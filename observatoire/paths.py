"""Where the project's declarative files and default data live (repository layout)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURVEY_DIR = ROOT / "survey"
DATA_DIR = ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"
GEO_DIR = DATA_DIR / "geo"
INDICATORS_YAML = ROOT / "indicators.yaml"
INDICATOR_VALUES_DIR = DATA_DIR / "indicators"

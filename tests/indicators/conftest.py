"""Shared fixtures for the indicator tests: small catalogues and series built in code."""

from __future__ import annotations

import pandas as pd
import pytest

from observatoire.indicators.catalog import Catalog, Indicator, load_catalog
from example_territory import EXAMPLE

INDICATORS_YAML = EXAMPLE.catalog


def make_indicator(**overrides) -> Indicator:
    fields = {
        "id": "TST01", "theme": "t", "title": "Indicateur de test", "definition": "Définition de test",
        "unit": "unités", "unit_short": "u", "decimals": 1, "direction": "increase",
        "baseline": {"year": 2020}, "target": 150.0, "target_year": 2026, "owner": "Service test",
        "source": {"type": "file", "detail": "fichier de test"}, "status": "illustrative",
        "status_note": "test",
    }
    fields.update(overrides)
    return Indicator.model_validate(fields)


def make_catalog(*indicators: Indicator) -> Catalog:
    return Catalog.model_validate({"version": 1, "horizon": 2026, "themes": {"t": "Thème de test"},
                                   "indicators": [i.model_dump() for i in indicators]})


def series(points: dict[int, float], ci: dict[int, tuple[float, float]] | None = None) -> pd.DataFrame:
    ci = ci or {}
    return pd.DataFrame({"year": list(points), "value": list(points.values()),
                         "ci_low": [ci.get(y, (None, None))[0] for y in points],
                         "ci_high": [ci.get(y, (None, None))[1] for y in points]}).astype(
                             {"ci_low": float, "ci_high": float})


@pytest.fixture(scope="session")
def project_catalog() -> Catalog:
    return load_catalog(INDICATORS_YAML)

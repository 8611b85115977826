"""Indicators of the commitments: catalogue, long values table, progress and projection.

    catalog = load_catalog(territory.catalog)          # indicators.yaml, validated (French errors)
    values = load_values(territory.values, catalog)    # the territory's long values table
    table = assess_progress(catalog, values)  # one row per indicator, every component
"""

from observatoire.indicators.catalog import Catalog, Indicator, field_docs, load_catalog, parse_catalog
from observatoire.indicators.progress import STATUS_LABELS_FR, STATUSES, assess_progress, assess_series
from observatoire.indicators.projection import project
from observatoire.indicators.values import (
    KEY_COLUMNS,
    TERRITORY_LEVEL,
    VALUE_COLUMNS,
    load_values,
    merge_values,
    read_values,
    write_values,
)

__all__ = [
    "KEY_COLUMNS",
    "TERRITORY_LEVEL",
    "STATUSES",
    "STATUS_LABELS_FR",
    "VALUE_COLUMNS",
    "Catalog",
    "Indicator",
    "assess_progress",
    "assess_series",
    "field_docs",
    "load_catalog",
    "load_values",
    "merge_values",
    "parse_catalog",
    "project",
    "read_values",
    "write_values",
]

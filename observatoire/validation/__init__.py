"""Validation of survey files: findings with stable codes and French messages."""

from __future__ import annotations

from pathlib import Path

from observatoire.geo import load_geography
from observatoire.readers import read_table
from observatoire.survey_spec import load_spec
from observatoire.territory import Territory
from observatoire.validation.findings import CATALOGUE, Finding, FindingType, ValidationReport
from observatoire.validation.survey import GeoKeys, validate_survey

__all__ = ["CATALOGUE", "Finding", "FindingType", "GeoKeys", "ValidationReport", "validate_file", "validate_survey"]


def validate_file(path: str | Path, territory: Territory, sheet: str | None = None) -> ValidationReport:
    """Read and validate one survey file against a territory's survey description and contours
    (raises UserError when it cannot be read at all); every finding is listed (the CLI's `--json`
    gives the complete list)."""
    spec = load_spec(territory.survey_description, territory.margins)
    table = read_table(path, sheet, value_labels=spec.labels_fr)
    return validate_survey(table, spec, load_geography(territory), max_findings=None)

"""Validation of survey files: findings with stable codes and French messages."""

from __future__ import annotations

from pathlib import Path

from observatoire.readers import read_table
from observatoire.survey_spec import SurveySpec, load_spec
from observatoire.validation.findings import CATALOGUE, Finding, FindingType, ValidationReport
from observatoire.validation.survey import GeoKeys, validate_survey

__all__ = ["CATALOGUE", "Finding", "FindingType", "GeoKeys", "ValidationReport", "validate_file", "validate_survey"]


def validate_file(path: str | Path, sheet: str | None = None, spec: SurveySpec | None = None) -> ValidationReport:
    """Read and validate one survey file (raises UserError when it cannot be read at all); every
    finding is listed (the CLI's `--json` gives the complete list)."""
    spec = spec or load_spec()
    table = read_table(path, sheet, value_labels=spec.labels_fr)
    return validate_survey(table, spec, max_findings=None)

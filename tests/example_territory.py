"""The bundled example territory (the repository root) as the tests read it: its spec, geography
and the inputs of a pipeline run. Tests of the engine use their own small fixtures instead."""

from __future__ import annotations

from functools import lru_cache

from observatoire.geo import Geography, load_geography
from observatoire.pipeline import Inputs
from observatoire.survey_spec import SurveySpec, load_spec
from observatoire.territory import EXAMPLE_DIR, Territory, load_territory

EXAMPLE: Territory = load_territory(EXAMPLE_DIR)
ROOT = EXAMPLE_DIR
DEMO_SURVEY = EXAMPLE.survey


def example_spec() -> SurveySpec:
    return load_spec(EXAMPLE.survey_description, EXAMPLE.margins)


@lru_cache(maxsize=1)
def example_geography() -> Geography:
    return load_geography(EXAMPLE)


def example_inputs() -> Inputs:
    return Inputs.of(EXAMPLE)


def upload_inputs(name: str, content: bytes) -> Inputs:
    return Inputs.upload(EXAMPLE, name, content)

"""Settings declared once, with French help: documented in docs/reglages.md and on both
methodology pages, checked when a territory overrides them."""

from __future__ import annotations

import pytest

from example_territory import ROOT
from observatoire.errors import UserError
from observatoire.settings import SETTINGS, reference_markdown, resolve


def test_docs_reglages_is_generated_from_the_settings():
    document = (ROOT / "docs" / "reglages.md").read_text(encoding="utf-8")
    assert document == reference_markdown(), "régénérez : python -m observatoire.settings > docs/reglages.md"
    for name, setting in SETTINGS.items():
        assert f"## `{name}`" in document and setting.help_fr in document


def test_readme_points_to_the_settings_reference():
    assert "docs/reglages.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("overrides", "problem"), [
    ({"ci_level": 95}, "strictement entre 0 et 1"),
    ({"reliability_withhold_n": 0}, "au moins égal à 1"),
    ({"trimming_upper": 0.5}, "strictement supérieur à 1"),
    ({"small_area_method": "EB"}, "AMRL, REML, ML"),
    ({"raking_tolerance": 1e-6}, "Réglages connus"),
])
def test_bad_overrides_are_refused_in_french(overrides, problem):
    with pytest.raises(UserError) as caught:
        resolve(overrides)
    assert problem in caught.value.message + caught.value.hint


def test_yaml_text_numbers_are_read_as_numbers():
    assert resolve({"raking_epsilon": "1e-8", "trimming_lower": None})["raking_epsilon"] == 1e-8

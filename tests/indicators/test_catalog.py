from __future__ import annotations

from collections import Counter

import pytest
import yaml

from observatoire.errors import UserError
from observatoire.indicators.catalog import field_docs, load_catalog, parse_catalog
from example_territory import EXAMPLE

INDICATORS_YAML = EXAMPLE.catalog


def test_project_catalog_has_40_unique_indicators_with_2026_targets(project_catalog):
    ids = project_catalog.ids
    assert len(ids) == 40
    assert len(set(ids)) == 40
    for ind in project_catalog.indicators:
        assert ind.target_year == 2026
        assert ind.target is not None or ind.band is not None, ind.id


def test_project_catalog_published_and_illustrative_counts(project_catalog):
    counts = Counter(ind.status for ind in project_catalog.indicators)
    assert counts == {"published": 4, "published_theme": 10, "illustrative": 26}
    published = {ind.id for ind in project_catalog.indicators if ind.status == "published"}
    assert published == {"ACH01", "ACH02", "SOB02", "SOB03"}
    assert all(ind.reference for ind in project_catalog.indicators if ind.status != "illustrative")


def test_every_schema_field_has_french_title_and_description():
    docs = field_docs()
    assert len(docs) > 30
    undocumented = [path for path, title, description in docs if not title or not description]
    assert undocumented == []


def _raw() -> dict:
    return yaml.safe_load(INDICATORS_YAML.read_text(encoding="utf-8"))


def _break(mutate) -> str:
    raw = _raw()
    mutate(raw)
    with pytest.raises(UserError) as err:
        parse_catalog(raw)
    return err.value.message


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r["indicators"][3].update(direction="up"), ["indicateur INC04", "« direction »", "« up »"]),
        (lambda r: r["indicators"][0].pop("title"), ["indicateur INC01", "« title »", "obligatoire"]),
        (lambda r: r["indicators"][5]["baseline"].update(year="deux mille"), ["indicateur INC06", "« baseline.year »"]),
        (lambda r: r["indicators"][7]["source"].update(type="api"), ["indicateur INC08", "« source »", "type de source"]),
        (lambda r: r["indicators"][8].update(colour="vert"), ["indicateur INC09", "« colour »", "champ inconnu"]),
        (lambda r: r["indicators"][5].pop("band"), ["indicateur INC06", "fourchette"]),
        (lambda r: r["indicators"][1].update(id="INC01"), ["identifiant en double : INC01"]),
        (lambda r: r["indicators"][2].update(theme="espace"), ["INC03", "thème inconnu"]),
    ],
)
def test_malformed_catalog_names_indicator_and_field(mutate, expected):
    message = _break(mutate)
    for fragment in expected:
        assert fragment in message


def test_all_problems_are_reported_together():
    def two(raw):
        raw["indicators"][0]["direction"] = "up"
        raw["indicators"][39]["decimals"] = "deux"
    message = _break(two)
    assert "2 erreur(s)" in message and "INC01" in message and "GOV03" in message


def test_unreadable_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "indicators.yaml"
    bad.write_text("indicators: [\n  - id: X\n", encoding="utf-8")
    with pytest.raises(UserError, match="YAML illisible"):
        load_catalog(bad)
    with pytest.raises(UserError, match="introuvable"):
        load_catalog(tmp_path / "absent.yaml")

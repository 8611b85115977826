"""What the public site publishes, taken once from a pipeline `Results`.

`SiteData` holds only aggregate tables (no microdata, no design object), so nothing a page
builder receives could leak a respondent. Tests build it from small hand-made tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from observatoire import pipeline
from observatoire.geo import Geography
from observatoire.provenance import demonstration_note
from observatoire.survey_spec import SurveySpec
from observatoire.targeting import rank_areas
from observatoire.territory import Territory

# Breakdowns published on the pages and in the open-data file (IRIS only through the
# small-area model of the targeting table: direct IRIS estimates rest on a handful of people).
PUBLISHED_BREAKDOWNS = ("overall", "commune", "age_band", "sex", "diploma")


@dataclass(frozen=True)
class SiteConfig:
    """Choices of the publisher: the site's name, the accessibility contact, the build date
    (`for_territory` takes the name and contact from observatoire.yaml)."""

    site_name: str = "Observatoire des inégalités numériques"
    contact: str = ""
    built: date = field(default_factory=date.today)

    @classmethod
    def for_territory(cls, territory: Territory, **overrides) -> SiteConfig:
        chosen = {"site_name": f"Observatoire du numérique — {territory.name}", "contact": territory.contact}
        return cls(**{**chosen, **{k: v for k, v in overrides.items() if v is not None}})


@dataclass(frozen=True)
class SiteData:
    """Aggregates published by the site (tidy tables, see `from_results`)."""

    estimates: pd.DataFrame  # pipeline.ESTIMATE_COLUMNS, published breakdowns only
    headline: pd.DataFrame  # pipeline.headline rows (latest wave, whole population)
    progress: pd.DataFrame  # indicators.assess_progress rows
    themes: Mapping[str, str]  # theme key -> French title
    targeting: pd.DataFrame | None  # every IRIS ranked by share (targeting.rank_areas), None without survey
    weighting: pd.DataFrame  # pipeline.WEIGHTING_COLUMNS
    settings: Mapping[str, Any]
    spec: SurveySpec
    territory: Territory
    geography: Geography
    provenance: Mapping[str, str]  # input -> real | demonstration
    source: str

    @property
    def demo_note(self) -> str:
        """Which inputs are demonstration data, in French ("" when all are real)."""
        return demonstration_note(self.provenance)

    @property
    def is_demo(self) -> bool:
        return bool(self.demo_note)

    @property
    def latest_wave(self) -> int:
        return int(self.estimates["wave"].max())

    def rows(self, variable: str, domain_type: str, wave: int | None = None) -> pd.DataFrame:
        """Estimate rows of one derived indicator and breakdown (one wave, or all)."""
        table = self.estimates
        keep = (table["variable"] == variable) & (table["domain_type"] == domain_type)
        if wave is not None:
            keep &= table["wave"] == wave
        return table.loc[keep]


def from_results(results: pipeline.Results) -> SiteData:
    estimates = results.estimates
    return SiteData(
        estimates=estimates.loc[estimates["domain_type"].isin(PUBLISHED_BREAKDOWNS)].reset_index(drop=True),
        headline=pipeline.headline(results),
        progress=results.progress,
        themes=dict(results.catalog.themes),
        targeting=rank_areas(results.areas, "share", top=None, settings=results.settings) if not results.areas.empty else None,
        weighting=results.weighting,
        settings=results.settings,
        spec=results.spec,
        territory=results.territory,
        geography=results.geography,
        provenance=dict(results.provenance),
        source=results.source,
    )

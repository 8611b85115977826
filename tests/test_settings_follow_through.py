"""Every method setting reaches the numbers AND what the product publishes about them.

For each setting of observatoire/settings.py, one pipeline run with the setting changed (in the
territory's `settings` block, the only place to change it) is compared with a run on the
defaults: a number that the setting governs must change, and so must the published description
(the site's methodology page without its settings table, and the open data's LISEZMOI.txt).
The runs use a small copy of the example territory (40 respondents per commune and wave, the
survey indicators only, IRIS covariates only for the settings of the small-area model and the
neighbourhood list) so that the runs stay within a minute or two.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from example_territory import EXAMPLE, example_inputs
from observatoire import pipeline
from observatoire.areas.exports import list_table
from observatoire.areas.ranking import rank_areas
from observatoire.areas.support import share_beyond
from observatoire.errors import UserError
from observatoire.methodology import design_table
from observatoire.settings import SETTINGS, resolve
from observatoire.site.data import from_results
from observatoire.site.methodology import methodology_page
from observatoire.site.opendata import open_files
from observatoire.stats import estimate
from observatoire.territory import load_territory

PER_COMMUNE = 40
LONELY = {"lonely_psu": "adjust"}  # the lonely-PSU survey cannot run on the default ("fail")


def _write_territory(root: Path, survey: pd.DataFrame, settings: dict, areas: bool) -> Path:
    """A copy of the example territory; without `areas`, no IRIS covariates (no small-area model)."""
    document = yaml.safe_load(EXAMPLE.config.read_text(encoding="utf-8"))
    catalog = yaml.safe_load(EXAMPLE.catalog.read_text(encoding="utf-8"))
    catalog["indicators"] = [i for i in catalog["indicators"] if i["source"]["type"] == "survey"]
    (root / "indicators.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    values = pd.read_csv(EXAMPLE.values, dtype=str, keep_default_na=False)
    values[values["indicator"].isin({i["id"] for i in catalog["indicators"]})].to_csv(root / "values.csv", index=False)
    survey.to_csv(root / "survey.csv", index=False)
    absolute = lambda relative: str(EXAMPLE.root / relative)  # noqa: E731
    document["geo"]["communes"]["file"] = absolute(document["geo"]["communes"]["file"])
    document["geo"]["iris"]["file"] = absolute(document["geo"]["iris"]["file"])
    document["survey"] = {"file": "survey.csv", "description": absolute(document["survey"]["description"]),
                          "margins": absolute(document["survey"]["margins"])}
    if areas:
        document["covariates"]["file"] = absolute(document["covariates"]["file"])
    else:
        del document["covariates"], document["provenance"]["covariates"]
    document["indicators"] = {"catalog": "indicators.yaml", "values": "values.csv"}
    document["provenance"].pop("inventories", None)
    document["settings"] = settings
    (root / "observatoire.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def small_survey() -> pd.DataFrame:
    survey = pd.read_csv(EXAMPLE.survey, dtype=str, keep_default_na=False)
    return survey.groupby(["wave", "commune"], sort=False).head(PER_COMMUNE).reset_index(drop=True)


@pytest.fixture(scope="module")
def lonely_survey(small_survey) -> pd.DataFrame:
    """One commune with a single respondent in the latest wave: a stratum with one PSU."""
    latest = small_survey["wave"].max()
    commune = small_survey["commune"].iloc[-1]
    in_stratum = (small_survey["wave"] == latest) & (small_survey["commune"] == commune)
    return small_survey.drop(small_survey.index[in_stratum][1:]).reset_index(drop=True)


@pytest.fixture(scope="module")
def run_with(tmp_path_factory, small_survey, lonely_survey):
    cache = {}

    def run(settings: dict, lonely: bool = False, areas: bool = False) -> pipeline.Results:
        key = (tuple(sorted(settings.items())), lonely, areas)
        if key not in cache:
            root = _write_territory(tmp_path_factory.mktemp("territory"), lonely_survey if lonely else small_survey,
                                    settings, areas)
            cache[key] = pipeline.run(pipeline.Inputs.of(load_territory(root)))
        return cache[key]

    return run


def _published(results: pipeline.Results) -> str:
    """What the site says about its methods: the methodology page without its settings table
    (which lists every value anyway), and the open data's LISEZMOI.txt."""
    ranked = list_table(rank_areas(results.areas, n_draws=50, settings=results.settings), results.geography) \
        if not results.areas.empty else None
    data = dataclasses.replace(from_results(dataclasses.replace(results, areas=pd.DataFrame())), targeting=ranked)
    page = methodology_page(data).split("Réglages utilisés")[0]
    readme = next(f for f in open_files(data, date(2026, 1, 1)) if f.name.endswith("LISEZMOI.txt"))
    return page + readme.content.decode("utf-8")


def _estimates(results, column):
    return results.estimates[column].to_numpy(dtype=float)


def _flags(results, flag):
    return int((results.estimates["flag"] == flag).sum())


def _published_direct(results):
    ranked = rank_areas(results.areas, n_draws=50, settings=results.settings)
    return int(ranked["direct"].notna().sum())


def _mean_estimate(results):
    return estimate(results.design, "has_computer", "mean", settings=results.settings)["ci_low"].to_numpy()


def _trimmed(results):
    return int(results.weighting["weights_trimmed"].sum())


# setting -> (changed value, the number it governs, computed from a run)
CASES = {
    "reliability_withhold_n": (30, lambda r: (_flags(r, "withheld"), _published_direct(r))),
    "reliability_fragile_n": (100, lambda r: _flags(r, "fragile")),
    "reliability_fragile_cv": (0.05, lambda r: _flags(r, "fragile")),
    "reliability_withhold_cv": (0.2, lambda r: _flags(r, "withheld")),
    "ci_level": (0.9, lambda r: np.nansum(_estimates(r, "ci_high") - _estimates(r, "ci_low"))),
    "ci_method_proportion": ("wilson", lambda r: np.nansum(_estimates(r, "ci_low"))),
    "logit_fit": ("r_glm", lambda r: np.nansum(_estimates(r, "ci_low"))),
    "boundary_interval": ("none", lambda r: int(r.estimates["ci_low"].isna().sum())),
    "ci_method_mean": ("wald", _mean_estimate),
    "lonely_psu": ("remove", lambda r: np.nansum(_estimates(r, "se"))),
    "small_area_tolerance": (1e-2, lambda r: r.areas["theta"].to_numpy()),
    "small_area_method": ("REML", lambda r: r.areas["estimate"].to_numpy()),
    "small_area_amrl_mse": ("li_lahiri", lambda r: r.areas["theta_mse"].to_numpy()),
    "raking_epsilon": (1e-3, lambda r: int(r.weighting["raking_iterations"].sum())),
    "raking_max_iterations": (3, None),  # only binds by failing: see its own test below
    "trimming_lower": (0.9, _trimmed),
    "trimming_upper": (1.5, _trimmed),
    "ranking_min_population": (10**7, lambda r: int(rank_areas(r.areas, n_draws=50, settings=r.settings)["rank"].notna().sum())),
    "support_distance_m": (50.0, None),  # needs places of digital mediation: see its own test below
}


# Settings whose numbers are read in the small-area model or the neighbourhood list.
MODELLED = {"reliability_withhold_n", "small_area_tolerance", "small_area_method", "small_area_amrl_mse",
            "ranking_min_population"}


def test_every_setting_has_a_case():
    assert set(CASES) == set(SETTINGS)


def _differ(a, b) -> bool:
    a, b = np.atleast_1d(np.asarray(a, dtype=float)), np.atleast_1d(np.asarray(b, dtype=float))
    return a.shape != b.shape or not np.allclose(a, b, rtol=0, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("name", [name for name, (_, probe) in CASES.items() if probe is not None])
def test_changing_a_setting_changes_the_numbers_and_the_published_description(run_with, name):
    value, probe = CASES[name]
    lonely, areas = name == "lonely_psu", name in MODELLED
    base = LONELY if lonely else {}
    default, changed = run_with(base, lonely, areas), run_with({**base, name: value}, lonely, areas)
    assert changed.settings[name] == value and default.settings[name] != value
    assert _differ(probe(default), probe(changed)), f"{name}: the numbers did not change"
    assert _published(default) != _published(changed), f"{name}: the published description did not change"


def test_support_distance_binds():
    """The example territory has places of digital mediation: the share of people in difficulty
    living far from one, and the published rule, follow the distance."""
    results = pipeline.run(example_inputs())
    assert results.support is not None
    changed = dataclasses.replace(results, settings={**results.settings, "support_distance_m": 50.0})
    ranked = rank_areas(results.areas, n_draws=50, settings=results.settings)
    assert share_beyond(ranked, 50.0) != share_beyond(ranked, results.settings["support_distance_m"])
    assert _published(results) != _published(changed)


def test_raking_max_iterations_binds(run_with, spec):
    with pytest.raises(UserError, match="3 itérations"):
        run_with({"raking_max_iterations": 3})
    described = lambda values: design_table(spec, resolve(values)).to_string()  # noqa: E731
    assert "au plus 3 itérations" in described({"raking_max_iterations": 3})
    assert "au plus 3 itérations" not in described({})

"""Small-area estimates by IRIS or commune, in the estimate-table shape, with the fragility index.

One row per area: the columns every estimate travels in (`stats.COLUMNS`: variable, level,
domain_type, domain, estimate, se, ci_low, ci_high, ci_method, df, cv, deff, n_unweighted,
weighted_n, flag), then what targeting needs (`EXTRA_COLUMNS`): the commune, the population
aged 15+ and the estimated number of people in difficulty, the method as a code (`eblup`: the
area has respondents; `synthetic`: none, the model's prediction alone), the direct estimate,
the model's prediction from the covariates alone (`synthetic_share`), the weight `gamma` of the
direct estimate in the EBLUP (on the arcsine scale: gamma = sigma2_u / (sigma2_u + psi_i)),
the model-scale values for rank simulations, and the fragility components with their deciles.
Words for all of it are in `areas.labels`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from observatoire.areas.covariates import MODEL_COVARIATES, commune_covariates
from observatoire.errors import UserError
from observatoire.fragility import COMPONENT_COLUMNS, fragility_index
from observatoire.settings import resolve
from observatoire.stats import COLUMNS, Design, estimate
from observatoire.stats.small_area import ProportionEstimates, fit_proportions

VARIABLE = "in_difficulty"
CI_METHOD = "fay_herriot"  # arcsine-scale Fay-Herriot interval (stats.small_area.fit_proportions)
METHODS = ("eblup", "synthetic")
EXTRA_COLUMNS = (
    "commune", "population_15plus", "count", "method", "direct", "direct_se", "synthetic_share", "gamma",
    "theta", "theta_mse", "variance_smoothed", "std_residual",
    *COMPONENT_COLUMNS, *(f"{c}_decile" for c in COMPONENT_COLUMNS), "fragility_index", "fragility_rank",
)  # fmt: skip
AREA_COLUMNS = (*COLUMNS, *EXTRA_COLUMNS)
# The model estimates a constant and one coefficient per covariate, and needs at least one more
# sampled area than parameters (stats.small_area refuses fewer).
MIN_SAMPLED_AREAS = len(MODEL_COVARIATES) + 2


def direct_estimates(design: Design, wave, variable: str = VARIABLE, by: str = "iris") -> pd.DataFrame:
    """Direct (design-based) shares by area for one wave, from the calibrated design.

    Reliability rules are not applied: small areas are inputs of the model; the direct values of
    areas below the publication threshold are blanked in the list (`areas.ranking`).
    """
    table = estimate(design.subset_wave(wave), variable, "proportion", level=1, by=by, reliability=False)
    return table.set_index(table["domain"].astype(str))[["estimate", "se", "n_unweighted", "weighted_n"]]


@dataclass(frozen=True)
class AreaEstimates:
    """The area table (`AREA_COLUMNS`, one row per area) of one wave, and the model behind it."""

    wave: int
    areas: pd.DataFrame
    model: ProportionEstimates


def _model_options(settings: Mapping[str, Any] | None) -> dict:
    """fit_proportions' method options from the run's settings (defaults when None)."""
    values = resolve(settings)
    return {"method": values["small_area_method"], "level": values["ci_level"],
            "amrl_mse": values["small_area_amrl_mse"], "tol": values["small_area_tolerance"]}


def area_estimates(design: Design, covariates: pd.DataFrame, wave, *, variable: str = VARIABLE,
                   settings: Mapping[str, Any] | None = None) -> AreaEstimates:
    """Small-area shares, counts and fragility index for every IRIS of `covariates`; the model's
    method and interval level follow the run's `settings`."""
    direct = direct_estimates(design, wave, variable)
    _require_enough_areas(direct, wave, "quartiers (IRIS)")
    model = fit_proportions(direct, covariates[list(MODEL_COVARIATES)], **_model_options(settings))
    return AreaEstimates(int(wave), _area_table(model, direct, covariates, "iris", variable), model)


def _require_enough_areas(direct: pd.DataFrame, wave, zones: str) -> None:
    """A French error, in words a team can act on, when too few areas have respondents."""
    sampled = int((direct["n_unweighted"] > 0).sum())
    if sampled < MIN_SAMPLED_AREAS:
        raise UserError(
            f"Seuls {sampled} {zones} ont des répondants dans la vague {wave} : le modèle sur petits domaines "
            f"en demande au moins {MIN_SAMPLED_AREAS} pour estimer ses {MIN_SAMPLED_AREAS - 1} paramètres.",
            "Les cartes montrent alors les estimations directes de l'enquête, sans classement ; une enquête "
            f"répartie sur davantage de {zones} permet le modèle.",
        )


def commune_estimates(design: Design, covariates: pd.DataFrame, wave, *, variable: str = VARIABLE,
                      settings: Mapping[str, Any] | None = None) -> AreaEstimates:
    """The same by commune (Fay–Herriot over the communes, covariates aggregated from the IRIS)."""
    by_commune = commune_covariates(covariates).assign(commune=lambda t: t.index)
    direct = direct_estimates(design, wave, variable, by="commune")
    _require_enough_areas(direct, wave, "communes")
    model = fit_proportions(direct, by_commune[list(MODEL_COVARIATES)], **_model_options(settings))
    return AreaEstimates(int(wave), _area_table(model, direct, by_commune, "commune", variable), model)


def _area_table(model: ProportionEstimates, direct: pd.DataFrame, covariates: pd.DataFrame, domain_type: str,
                variable: str) -> pd.DataFrame:
    fitted = model.table.set_index("area")
    sampled = fitted["n_unweighted"].to_numpy() > 0
    table = pd.DataFrame(
        {
            "variable": variable,
            "level": "1",
            "domain_type": domain_type,
            "domain": fitted.index.astype(str),
            "estimate": fitted["estimate"],
            "se": fitted["se"],
            "ci_low": fitted["ci_low"],
            "ci_high": fitted["ci_high"],
            "ci_method": CI_METHOD,
            "df": np.nan,
            "cv": fitted["se"] / fitted["estimate"],
            "deff": np.nan,
            "n_unweighted": fitted["n_unweighted"],
            "weighted_n": direct["weighted_n"].reindex(fitted.index).fillna(0.0),
            # A model prediction without any respondent is shown, but to be read with caution.
            "flag": np.where(sampled, "ok", "fragile"),
            "commune": covariates["commune"].reindex(fitted.index),
            "population_15plus": covariates["population_15plus"].reindex(fitted.index),
            "method": np.where(sampled, "eblup", "synthetic"),
            "direct": fitted["direct"],
            "direct_se": fitted["direct_se"],
            "synthetic_share": np.sin(np.asarray(model.fit.synthetic)) ** 2,
            "gamma": fitted["gamma"],
            "theta": fitted["theta"],
            "theta_mse": fitted["theta_mse"],
            "variance_smoothed": fitted["variance_smoothed"],
            "std_residual": fitted["std_residual"],
        },
        index=fitted.index,
    )
    table["count"] = table["estimate"] * table["population_15plus"]
    index = fragility_index(covariates.reindex(fitted.index).assign(share_in_difficulty=table["estimate"]))
    table = table.join(index)
    return table[list(AREA_COLUMNS)].reset_index(drop=True)

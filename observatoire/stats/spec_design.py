"""Build the observatory's design from survey/design.yaml (observatoire.survey_spec) and the
method settings (observatoire.settings: raking tolerance and iterations, trimming bounds, lonely
PSUs), so that the same description gives the same weights under the same settings.

Each wave is an independent sample, weighted separately. Both waves are kept in one Design so
that waves can be compared directly: strata are crossed with the wave and every raking margin
is crossed with the wave, which is exactly raking each wave on its own (the calibration model is
block-diagonal by wave, so the variance and `Design.subset_wave` are exact too).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from observatoire import settings as settings_mod
from observatoire.errors import UserError
from observatoire.stats.calibration import label, rake, trim
from observatoire.stats.design import Design


def design_from_spec(df: pd.DataFrame, spec: Any, wave: Any = None, trimming: bool = True,
                     settings: Mapping[str, Any] | None = None) -> Design:
    """Design, raking and trimming (then re-raking) as declared in `spec.design`, with the
    method options of `settings` (defaults of observatoire.settings for those not given)."""
    described, values = spec.design, settings_mod.resolve(settings)
    if wave is not None:
        if described.wave not in df.columns:
            raise UserError(f"Colonne de vague « {described.wave} » absente des données.", "")
        df = df[df[described.wave].map(label) == label(wave)]
        if df.empty:
            raise UserError(f"Aucun répondant pour la vague « {wave} ».", "")
    by_wave = described.wave in df.columns
    strata = [described.wave, described.strata] if by_wave and described.strata else described.strata
    design = Design.from_frame(
        df, weights=described.weight, strata=strata, cluster=described.cluster, fpc=described.fpc,
        lonely_psu=values["lonely_psu"], wave_column=described.wave if by_wave else None,
    )  # fmt: skip
    margins = _margins_by_wave(spec.margins, design, described.wave) if by_wave else spec.margins
    design = rake(design, margins, epsilon=values["raking_epsilon"], max_iter=values["raking_max_iterations"])
    lower, upper = values["trimming_lower"], values["trimming_upper"]
    if not trimming or (lower is None and upper is None):
        return design
    group = pd.factorize(design.data[described.wave])[0] if by_wave else np.zeros(design.n, np.int64)
    mean = (np.bincount(group, design.weights) / np.bincount(group))[group]  # bounds relative to the wave's mean
    return trim(
        design,
        lower=(lower if lower is not None else 0.0) * mean,
        upper=(upper if upper is not None else np.inf) * mean,
        rerake=True,
        by=described.wave if by_wave else None,
    )  # re-raked with the same tolerance


def _margins_by_wave(margins: dict, design: Design, wave_column: str) -> dict:
    """The same population margins for every wave present, crossed with the wave."""
    waves = sorted({label(v) for v in design.data[wave_column].unique()})
    crossed = {}
    for key, totals in margins.items():
        columns = (key,) if isinstance(key, str) else tuple(key)
        crossed[(wave_column, *columns)] = {
            (wave, *(category if isinstance(category, tuple) else (category,))): total
            for wave in waves
            for category, total in totals.items()
        }
    return crossed

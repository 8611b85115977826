"""Build the observatory's design from survey/design.yaml (observatoire.survey_spec).

Each wave is an independent sample, weighted separately. Both waves are kept in one Design so
that waves can be compared directly: strata are crossed with the wave and every raking margin
is crossed with the wave, which is exactly raking each wave on its own (the calibration model is
block-diagonal by wave, so the variance and `Design.subset_wave` are exact too).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from observatoire.errors import UserError
from observatoire.stats.calibration import label, rake, trim
from observatoire.stats.design import Design


def design_from_spec(df: pd.DataFrame, spec: Any, wave: Any = None, trimming: bool = True) -> Design:
    """Design, raking and trimming (then re-raking) as declared in `spec.design`."""
    settings = spec.design
    if wave is not None:
        if settings.wave not in df.columns:
            raise UserError(f"Colonne de vague « {settings.wave} » absente des données.", "")
        df = df[df[settings.wave].map(label) == label(wave)]
        if df.empty:
            raise UserError(f"Aucun répondant pour la vague « {wave} ».", "")
    by_wave = settings.wave in df.columns
    strata = [settings.wave, settings.strata] if by_wave and settings.strata else settings.strata
    design = Design.from_frame(
        df, weights=settings.weight, strata=strata, cluster=settings.cluster, fpc=settings.fpc,
        wave_column=settings.wave if by_wave else None,
    )  # fmt: skip
    margins = _margins_by_wave(spec.margins, design, settings.wave) if by_wave else spec.margins
    design = rake(design, margins, epsilon=settings.raking_epsilon, max_iter=settings.raking_max_iterations)
    if not trimming:
        return design
    if settings.trim_relative_to != "mean":
        raise UserError(f"Écrêtage relatif à « {settings.trim_relative_to} » non pris en charge.", "Utilisez « mean ».")
    group = pd.factorize(design.data[settings.wave])[0] if by_wave else np.zeros(design.n, np.int64)
    mean = (np.bincount(group, design.weights) / np.bincount(group))[group]
    return trim(
        design,
        lower=settings.trim_lower * mean,
        upper=settings.trim_upper * mean,
        rerake=True,
        by=settings.wave if by_wave else None,
    )


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

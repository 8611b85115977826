"""Digital fragility index by IRIS or commune, inspired by the IFN (MedNum / ANSA).

The national "indice de fragilité numérique" scores areas from 1 to 10 (10 = highest risk) from
five indicators: THD non-coverage, 4G non-coverage, share aged 65+, share with no or low diploma,
poverty rate (facts §3, verified). Its normalisation is not published; following facts §3
[proposal], each indicator is ranked into deciles 1..10 (10 = most fragile) and the index is the
unweighted mean of the deciles. This observatory adds one indicator that the national index
cannot have: the model-based share of residents in difficulty with online procedures
(small-area estimate), so the index combines measured difficulty with risk factors.

Deciles are taken over the areas passed in (the territory's IRIS, or its communes), not over
France: the index ranks neighbourhoods within the territory. Decile of x_i =
1 + floor(10 * #{j : x_j < x_i} / m), so ties share the lower decile (an indicator at 0 for
most areas, such as THD non-coverage in a city, puts all of them in decile 1) and the largest
value is in decile 10 once m >= 10. Label it "inspiré de l'IFN", never as the IFN itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from observatoire.errors import UserError


@dataclass(frozen=True)
class Component:
    column: str
    label_fr: str
    source_fr: str


COMPONENTS = (
    Component("share_in_difficulty", "Part en difficulté avec les démarches en ligne", "enquête, estimation sur petits domaines"),
    Component("share_65plus", "Part des 65 ans et plus", "recensement"),
    Component("share_no_diploma", "Part sans diplôme ou peu diplômée", "recensement"),
    Component("poverty_rate", "Taux de pauvreté", "Filosofi (Insee)"),
    Component("thd_non_coverage", "Part non couverte en très haut débit fixe", "Arcep"),
    Component("mobile_non_coverage", "Part non couverte en 4G", "Arcep"),
)
COMPONENT_COLUMNS = tuple(c.column for c in COMPONENTS)


def deciles(values) -> np.ndarray:
    """Decile rank 1..10 of each value among all values (10 = largest); ties share the lower."""
    x = np.asarray(values, dtype=float)
    below = np.searchsorted(np.sort(x), x, side="left")
    return 1 + np.floor(10 * below / len(x)).astype(int)


def fragility_index(indicators: pd.DataFrame, components: tuple[str, ...] = COMPONENT_COLUMNS) -> pd.DataFrame:
    """Index per area (row of `indicators`, kept in order and index) with its components.

    Returns, for each component `c`, the columns `c` (value) and `c_decile` (1..10), then
    `fragility_index` (mean of the deciles, 1..10) and `fragility_rank` (1 = most fragile;
    ties broken by area order). Raises UserError if a component is missing or has gaps.
    """
    missing = [c for c in components if c not in indicators.columns]
    if missing:
        raise UserError(
            f"Indicateur(s) absent(s) pour l'indice de fragilité : {', '.join(missing)}.",
            "Ajoutez ces colonnes au fichier des covariables ou retirez-les des composantes.",
        )
    result = pd.DataFrame(index=indicators.index)
    for column in components:
        values = pd.to_numeric(indicators[column], errors="coerce")
        if values.isna().any():
            where = ", ".join(map(str, values.index[values.isna()][:5]))
            raise UserError(
                f"L'indicateur « {column} » est manquant pour : {where}.",
                "Complétez le fichier des covariables : l'indice demande une valeur par zone.",
            )
        result[column] = values
        result[f"{column}_decile"] = deciles(values)
    result["fragility_index"] = result[[f"{c}_decile" for c in components]].mean(axis=1)
    order = np.argsort(-result["fragility_index"].to_numpy(), kind="stable")
    result["fragility_rank"] = np.empty(len(result), dtype=int)
    result.iloc[order, result.columns.get_loc("fragility_rank")] = np.arange(1, len(result) + 1)
    return result

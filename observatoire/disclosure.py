"""Secondary disclosure: no withheld cell may be recovered by subtraction.

A breakdown (communes, age bands, sexes, diplomas of one wave) partitions the population whose
total is published; IRIS partition their commune. Weighted sizes are public (raking margins, or
the published `weighted_n`), so a withheld cell's weighted count of « oui » is the total's minus
the published cells' — unless a second cell is withheld too, and then only their sum is known,
which must itself rest on at least `reliability_withhold_n` respondents.

`protect(table, settings, parents)` applies complementary suppression (Statistics Canada's and
Insee's « secret secondaire », as tau-argus's singleton rule): in each partition whose total is
published, while the withheld cells are a single cell or fewer than the threshold together,
the next smallest published cell is withheld; the children of a withheld parent are withheld
(publishing them all would give it back). `audit(table, settings, parents)` proves it at
publication: for each (wave, variable, level) the published equations « total = sum of its
cells » are solved for the withheld cells (null space of the system): a cell that the equations
determine, or a determined sum resting on fewer respondents than the threshold, is a `Leak`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from observatoire import settings as settings_mod
from observatoire.stats.reliability import BLANKED

WITHHELD = "withheld"
OVERALL = "overall"
# breakdown -> (parent breakdown, child code -> parent code): nested partitions (IRIS in communes).
Parents = Mapping[str, tuple[str, Mapping[str, str]]]


@dataclass(frozen=True)
class Leak:
    """A published figure that gives a withheld one back (or rests on too few respondents)."""

    wave: Any
    variable: str
    level: Any
    domain_type: str
    domains: tuple[str, ...]
    message_fr: str


def complementary(n: np.ndarray, withheld: np.ndarray, threshold: int) -> np.ndarray:
    """Cells of one partition (published total) to withhold: `withheld`, plus the smallest
    published cells until the withheld ones are at least two and `threshold` respondents."""
    out = np.asarray(withheld, dtype=bool).copy()
    n = np.asarray(n, dtype=float)
    counted = n > 0  # a cell without respondents hides nothing and protects nothing
    order = [i for i in np.argsort(n, kind="stable") if counted[i]]
    while (out & counted).any() and ((out & counted).sum() < 2 or n[out].sum() < threshold):
        candidates = [i for i in order if not out[i]]
        if not candidates:
            break
        out[candidates[0]] = True
    return out


def protect(table: pd.DataFrame, settings: Mapping[str, Any] | None = None, parents: Parents | None = None) -> pd.DataFrame:
    """Copy of an estimate table (with `wave`) in which no withheld cell can be recovered."""
    if table.empty:
        return table
    threshold = settings_mod.resolve(settings)["reliability_withhold_n"]
    parents = dict(parents or {})
    out = table.reset_index(drop=True).copy()
    withheld = (out["flag"] == WITHHELD).to_numpy(copy=True)
    n = out["n_unweighted"].to_numpy(dtype=float)
    keys = _keys(out)
    position = {key: i for i, key in enumerate(keys)}
    # parents before their children, so that a child knows whether its parent is published
    for kind in sorted(set(out["domain_type"]) - {OVERALL}, key=lambda k: k in parents):
        for total, idx in _groups(keys, kind, parents).items():
            t = position.get(total)
            if t is not None and withheld[t]:
                withheld[idx] = True  # all of them published would give the total back
            else:
                withheld[idx] = complementary(n[idx], withheld[idx], threshold)
    newly = withheld & (out["flag"] != WITHHELD).to_numpy()
    out.loc[newly, "flag"] = WITHHELD
    out.loc[newly, [c for c in BLANKED if c in out.columns]] = np.nan
    return out


def _keys(table: pd.DataFrame) -> list[tuple]:
    """(wave, variable, level, breakdown, domain) of each row, as text where it is a code."""
    domains = [None if pd.isna(d) else str(d) for d in table["domain"]]
    return list(zip(table["wave"], table["variable"], table["level"].astype(str), table["domain_type"], domains))


def _total(key: tuple, parents: dict) -> tuple:
    """The key of the cell that `key`'s breakdown sums to: the overall row, or its parent."""
    *cell, kind, domain = key
    if kind in parents:
        parent_kind, parent_of = parents[kind]
        return (*cell, parent_kind, parent_of.get(domain))
    return (*cell, OVERALL, None)


def _groups(keys: list[tuple], kind: str, parents: dict) -> dict[tuple, np.ndarray]:
    """Rows of one breakdown, grouped by the total they sum to."""
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        if key[3] == kind:
            groups.setdefault(_total(key, parents), []).append(i)
    return {total: np.asarray(rows) for total, rows in groups.items()}


def audit(table: pd.DataFrame, settings: Mapping[str, Any] | None = None, parents: Parents | None = None,
          labels: Mapping[str, Mapping[str, str]] | None = None) -> list[Leak]:
    """Every leak of a published estimate table: a published cell below the threshold, a withheld
    cell that subtraction gives back, or a recoverable sum of withheld cells below the threshold.
    A total absent from the table is taken as published (it may be, elsewhere). `labels`:
    breakdown -> code -> French name, for the messages."""
    threshold = settings_mod.resolve(settings)["reliability_withhold_n"]
    labels = labels or {}
    parents = dict(parents or {})
    table = table.reset_index(drop=True)
    keys = _keys(table)
    small = (table["flag"] != WITHHELD) & (table["n_unweighted"] < threshold)
    leaks = [_leak(keys[i], [keys[i][4]], labels, f"est publiée sur {int(table.at[i, 'n_unweighted'])} répondants, "
                   f"moins que le seuil de {threshold}") for i in np.flatnonzero(small.to_numpy())]
    for cell in dict.fromkeys(key[:3] for key in keys):
        rows = [i for i, key in enumerate(keys) if key[:3] == cell]
        leaks += _audit_cell([keys[i] for i in rows], table.loc[rows].reset_index(drop=True), threshold, parents, labels)
    return leaks


def _audit_cell(keys: list[tuple], rows: pd.DataFrame, threshold: int, parents: dict, labels) -> list[Leak]:
    """Leaks among the rows of one (wave, variable, level)."""
    unknown = [i for i in range(len(rows)) if rows.at[i, "flag"] == WITHHELD]
    if not unknown:
        return []
    column = {i: j for j, i in enumerate(unknown)}
    position = {key: i for i, key in enumerate(keys)}
    equations = []  # « total − sum of its cells = 0 », over the withheld cells: (coefficients, cells)
    for kind in dict.fromkeys(key[3] for key in keys if key[3] != OVERALL):
        for total, members in _groups(keys, kind, parents).items():
            a = np.zeros(len(unknown))
            summed = [i for i in members if i in column]
            a[[column[i] for i in summed]] = 1.0
            if position.get(total) in column:
                a[column[position[total]]] = -1.0
            if a.any():
                equations.append((a, summed))
    if not equations:
        return []
    free = null_space(np.array([a for a, _ in equations]))
    n = rows["n_unweighted"].to_numpy(dtype=float)
    leaks = [_leak(keys[i], [keys[i][4]], labels, "se déduit par soustraction du total et des autres cellules publiées")
             for i in unknown if np.allclose(free[column[i]], 0.0, atol=1e-9)]
    for a, summed in equations:
        if len(summed) >= 2 and (a >= 0).all() and n[summed].sum() < threshold:
            leaks.append(_leak(keys[summed[0]], [keys[i][4] for i in summed], labels,
                               f"se déduisent ensemble par soustraction et ne reposent que sur "
                               f"{int(n[summed].sum())} répondants (seuil : {threshold})"))
    return leaks


def _leak(key: tuple, domains: list, labels: Mapping, problem: str) -> Leak:
    wave, variable, level, kind, _ = key
    names = [labels.get(kind, {}).get(str(d), str(d)) for d in domains]
    where = " et ".join(f"« {name} »" for name in names)
    subject = "les cellules" if len(domains) > 1 else "la cellule"
    message = (f"Secret statistique : {subject} {where} (répartition {kind}, vague {wave}, indicateur "
               f"« {variable} », modalité {level}) {problem}.")
    return Leak(wave, variable, level, kind, tuple(str(d) for d in domains), message)

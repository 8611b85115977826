"""Part `margins` of a check: one CSV per raking variable of design.yaml, each row checked (known
category, number), every category present (every commune of the contours, exactly), templates
still to fill, and the same grand total in every file — as raking needs."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from observatoire.checks.context import Context, Part, plural
from observatoire.checks.findings import Finding, make
from observatoire.formatting import fmt_number
from observatoire.survey_spec import RakingVariable, SurveySpec

TOLERANCE = 0.5  # persons: totals are counts, possibly rescaled


def check_margins(ctx: Context, spec: SurveySpec | None) -> Part:
    if spec is None:
        return Part("margins", "la description de l'enquête est illisible (voir Enquête)", checked=False)
    findings: list[Finding] = []
    totals: dict[str, float] = {}
    for variable in spec.design.raking:
        total = _check_file(ctx, spec, variable, findings)
        if total is not None:
            totals[variable.file] = total
    filled = {name: total for name, total in totals.items() if total > 0}
    if len(filled) > 1 and np.ptp(list(filled.values())) > TOLERANCE:
        listing = " ; ".join(f"{name} : {fmt_number(total)}" for name, total in filled.items())
        findings.append(make("margins", "margins_totals_differ", ctx.shown(ctx.territory.margins), totals=listing))
    grand = max(filled.values(), default=0)
    summary = plural(len(spec.design.raking), "fichier") + (f", {fmt_number(grand)} personnes de 15 ans ou plus"
                                                           if grand else "")
    return Part("margins", summary, tuple(findings))


def _check_file(ctx: Context, spec: SurveySpec, variable: RakingVariable, findings: list[Finding]) -> float | None:
    """Check one margin file; its grand total (None when it cannot be read)."""
    path = ctx.territory.margins / variable.file
    file = ctx.shown(path)
    columns = [*variable.columns, "total"]
    if not path.is_file():
        findings.append(make("margins", "margins_file_missing", file, variable=variable.name, columns=", ".join(columns)))
        return None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        findings.append(make("margins", "margins_unreadable", file, problem=f"Fichier illisible ({str(err)[:80]})."))
        return None
    if list(frame.columns) != columns:
        findings.append(make("margins", "margins_columns", file, row=1, found=", ".join(frame.columns),
                             columns=", ".join(columns)))
        return None
    allowed = [_categories(ctx, spec, column) for column in variable.columns]
    categories = frame[list(variable.columns)].apply(lambda row: " × ".join(row), axis=1) if len(frame) else pd.Series(dtype=str)
    totals = pd.to_numeric(frame["total"].str.strip(), errors="coerce")
    seen: set[str] = set()
    for position, (category, total) in enumerate(zip(categories, totals)):
        row = position + 2
        for column, values, value in zip(variable.columns, allowed, frame.iloc[position][list(variable.columns)]):
            if values is not None and value not in values:
                findings.append(make("margins", "margins_unknown_category", file, row=row, column=column, value=value,
                                     allowed=_listing(column, values)))
        if category in seen:
            findings.append(make("margins", "margins_duplicate_category", file, row=row, value=category))
        seen.add(category)
        if pd.isna(total) or total < 0:
            findings.append(make("margins", "margins_total_invalid", file, row=row, column="total",
                                 value=frame["total"].iloc[position]))
    if all(values is not None for values in allowed):
        for combination in itertools.product(*allowed):
            if " × ".join(combination) not in seen:
                findings.append(make("margins", "margins_missing_category", file, column=" × ".join(variable.columns),
                                     value=" × ".join(combination)))
    valid = totals.where(totals >= 0)
    if len(frame) and valid.fillna(0).eq(0).all() and valid.notna().all():
        findings.append(make("margins", "margins_unfilled", file, column="total"))
    else:
        for position in np.flatnonzero(valid.eq(0).to_numpy()):
            findings.append(make("margins", "margins_total_zero", file, row=int(position) + 2, column="total",
                                 category=categories.iloc[position]))
    return float(valid.sum())


def _categories(ctx: Context, spec: SurveySpec, column: str) -> list[str] | None:
    """The allowed categories of a raking column: the communes of the contours for the commune
    column, the schema's values otherwise (None: not checkable)."""
    if column == "commune":
        return list(ctx.geography.communes["code"]) if ctx.geography is not None else None
    enum = spec.field(column).enum
    return [str(v) for v in enum] if enum is not None else None


def _listing(column: str, values: list[str]) -> str:
    if column == "commune":
        return f"codes Insee des {len(values)} communes des contours"
    return "modalités : " + ", ".join(values)

"""Means, totals, proportions and ratios, overall or by domains, in one tidy table.

A domain keeps the whole design: its statistic's influence values are zero outside the domain
(R's `svyby`), so strata and PSUs without domain members still count in the variance. All
domains and all categories are linearised together (grouped sums, one sparse influence matrix,
one variance call), never by re-running the design per domain.
Missing values of the variable are handled as R's `na.rm = TRUE`: excluded from numerator and
denominator, design kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from observatoire import settings as settings_mod
from observatoire.errors import UserError
from observatoire.stats.calibration import label
from observatoire.stats.design import Design
from observatoire.stats.glm_logit import fit_intercept
from observatoire.stats.intervals import IntervalInput, boundary_fill, confidence_interval
from observatoire.stats.reliability import apply_reliability
from observatoire.stats.variance import Influence, linearised_variance

COLUMNS = [
    "variable", "level", "domain_type", "domain", "estimate", "se", "ci_low", "ci_high",
    "ci_method", "df", "cv", "deff", "n_unweighted", "weighted_n", "flag",
]  # fmt: skip
KINDS = ("mean", "total", "proportion", "ratio")


@dataclass(frozen=True)
class Domains:
    codes: np.ndarray  # domain index per row, -1 = in no domain
    labels: list
    kind: str  # "overall" or the by column(s)


@dataclass(frozen=True)
class Linearised:
    """Statistics for J targets (categories) x m domains, flattened as column j * m + d."""

    levels: list
    targets: list  # per category: the 0/1 (or numeric) values, NaN = missing
    domains: Domains
    estimate: np.ndarray
    influence: Influence
    variance: np.ndarray
    weighted_n: np.ndarray
    n: np.ndarray
    srs_variance: np.ndarray
    kish_n: np.ndarray


def domains_of(design: Design, by: str | Sequence[str] | None) -> Domains:
    if by is None:
        return Domains(np.zeros(design.n, np.int64), [None], "overall")
    columns = [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in design.data.columns]
    if missing:
        raise UserError(f"Variable de regroupement absente des données : {', '.join(missing)}.", "")
    parts, uniques = [], []
    for column in columns:
        codes, values = pd.factorize(design.data[column], sort=True)
        parts.append(codes.astype(np.int64))
        uniques.append([label(v) for v in values])
    outside = np.any([p < 0 for p in parts], axis=0)
    key = np.ravel_multi_index([np.maximum(p, 0) for p in parts], [max(len(u), 1) for u in uniques])
    codes, combos = pd.factorize(np.where(outside, -1, key), sort=True, use_na_sentinel=False)
    combos = np.asarray(combos)
    if outside.any():  # -1 sorts first: shift so that it becomes "no domain"
        codes, combos = codes - 1, combos[1:]
    split = np.unravel_index(combos, [max(len(u), 1) for u in uniques])
    labels = [" | ".join(uniques[j][split[j][i]] for j in range(len(columns))) for i in range(len(combos))]
    return Domains(codes.astype(np.int64), labels, " | ".join(columns))


def _numeric(design: Design, variable: str) -> np.ndarray:
    if variable not in design.data.columns:
        raise UserError(f"Variable absente des données : « {variable} ».", "")
    column = design.data[variable]
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    suspect = np.flatnonzero(np.isnan(values) & column.notna().to_numpy())  # only these need a look
    bad = suspect[(column.iloc[suspect].astype(str).str.strip() != "").to_numpy()]
    if len(bad):
        raise UserError(
            f"La variable « {variable} » n'est pas numérique (ex. « {column.iloc[bad[0]]} »).",
            "Pour une variable qualitative, demandez une proportion.",
        )
    return values


def _categories(design: Design, variable: str, level: Any) -> tuple[list, list[np.ndarray]]:
    """0/1 indicator (NaN where missing) for the requested level, or for every category."""
    if variable not in design.data.columns:
        raise UserError(f"Variable absente des données : « {variable} ».", "")
    column = design.data[variable]
    codes, values = pd.factorize(column, sort=True)
    names = [label(v) for v in values]
    missing = codes < 0
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        blank = [i for i, v in enumerate(values) if str(v).strip() == ""]
        missing |= np.isin(codes, blank)
        names = [n for i, n in enumerate(names) if i not in blank]
        keep = [i for i in range(len(values)) if i not in blank]
    else:
        keep = list(range(len(values)))
    wanted = names if level is None else [label(level)]
    indicators = []
    for name in wanted:
        index = keep[names.index(name)] if name in names else -2
        indicators.append(np.where(missing, np.nan, (codes == index).astype(float)))
    return wanted, indicators


def linearise(
    design: Design,
    variable: str,
    kind: str = "mean",
    level: Any = None,
    by: str | Sequence[str] | None = None,
    denominator: str | None = None,
) -> Linearised:
    if kind not in KINDS:
        raise UserError(f"Type d'estimation inconnu : « {kind} ».", f"Choix : {', '.join(KINDS)}.")
    if kind == "ratio" and denominator is None:
        raise UserError("Un ratio demande un dénominateur (paramètre denominator).", "")
    domains = domains_of(design, by)
    if kind == "proportion":
        levels, targets = _categories(design, variable, level)
    else:
        levels, targets = [None], [_numeric(design, variable)]
    x_den = _numeric(design, denominator) if kind == "ratio" else None
    m, w = len(domains.labels), design.weights
    parts = [_one_target(kind, y, x_den, domains.codes, w, m) for y in targets]
    rows = np.concatenate([p[0] for p in parts])
    cols = np.concatenate([p[1] + j * m for j, p in enumerate(parts)])
    values = np.concatenate([p[2] for p in parts])
    influence = Influence(rows, cols, values, m * len(targets))
    stack = {key: np.concatenate([p[3][key] for p in parts]) for key in parts[0][3]}
    return Linearised(
        levels=levels,
        targets=targets,
        domains=domains,
        estimate=stack["estimate"],
        influence=influence,
        variance=linearised_variance(design, influence),
        weighted_n=stack["weighted_n"],
        n=stack["n"],
        srs_variance=stack["srs_variance"],
        kish_n=stack["kish_n"],
    )


def _one_target(kind: str, y: np.ndarray, x_den, dom: np.ndarray, w: np.ndarray, m: int):
    """Rows, domain index and weighted influence values of one target, plus per-domain sums."""
    valid = (dom >= 0) & ~np.isnan(y)
    if x_den is not None:
        valid &= ~np.isnan(x_den)
    rows = np.flatnonzero(valid)
    d, wr, yr = dom[rows], w[rows], y[rows]
    total_w = np.bincount(d, wr, m)
    n = np.bincount(d, minlength=m).astype(float)
    total_y = np.bincount(d, wr * yr, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "ratio":
            xr = x_den[rows]
            total_x = np.bincount(d, wr * xr, m)
            estimate = total_y / total_x
            residual = yr - estimate[d] * xr
            score = residual / total_x[d]
            scale = 1 / np.square(total_x / total_w)
        elif kind == "total":
            estimate, residual = total_y, yr - (total_y / total_w)[d]
            score, scale = yr, np.square(total_w)
        else:  # shifted by the domain's first value: exact (zero residuals) when y is constant
            shift = np.zeros(m)
            first = pd.Series(d).drop_duplicates()
            shift[first.to_numpy()] = yr[first.index.to_numpy()]
            estimate = shift + np.bincount(d, wr * (yr - shift[d]), m) / total_w
            residual = yr - estimate[d]
            score, scale = residual / total_w[d], np.ones(m)
        # R's deff: var / (svyvar * (N - n) / (N n)), svyvar = n/(n-1) * weighted variance
        unit_var = n / (n - 1) * np.bincount(d, wr * np.square(residual), m) / total_w
        srs = np.where(total_w > n, unit_var * scale * (total_w - n) / (total_w * n), np.nan)
        kish = np.square(total_w) / np.bincount(d, np.square(wr), m)
    sums = {"estimate": estimate, "weighted_n": total_w, "n": n, "srs_variance": srs, "kish_n": kish}
    return rows, d, wr * score, sums


def domain_df(design: Design, domains: Domains) -> np.ndarray:
    """R's degf() of each domain's design: PSUs with domain members minus their strata."""
    m, inside = len(domains.labels), domains.codes >= 0
    dom = domains.codes[inside]
    h = len(design.strata_labels)
    strata = np.bincount(dom * h + design.strata[inside], minlength=m * h).reshape(m, h)
    if design.clustered:
        psu_keys = np.unique(dom * len(design.psu_stratum) + design.psu[inside])
        psus = np.bincount(psu_keys // len(design.psu_stratum), minlength=m)
    else:  # each row is a PSU
        psus = np.bincount(dom, minlength=m)
    return (psus - (strata > 0).sum(axis=1)).astype(float)


def estimate(
    design: Design,
    variable: str,
    kind: str = "mean",
    level: Any = None,
    by: str | Sequence[str] | None = None,
    ci: str | None = None,
    denominator: str | None = None,
    settings: Mapping[str, Any] | None = None,
    reliability: bool = True,
) -> pd.DataFrame:
    """The estimate table (COLUMNS): one row per domain (and per category for a proportion
    without `level`). `ci` = interval method (default from settings); `reliability=False`
    leaves every row flagged "ok" (reference tests)."""
    values = settings_mod.resolve(settings)
    lin = linearise(design, variable, kind, level, by, denominator)
    method = ci or values["ci_method_proportion" if kind == "proportion" else "ci_method_mean"]
    m, j = len(lin.domains.labels), len(lin.levels)
    df = np.tile(domain_df(design, lin.domains), j)
    # R's nrow() of a domain's design: calibrated designs keep every row (zero weights)
    domain_rows = np.bincount(lin.domains.codes[lin.domains.codes >= 0], minlength=m)
    rows_per_domain = np.full(m, design.n) if design.calibrated else domain_rows
    se = np.sqrt(lin.variance)
    point, logit_se = lin.estimate, None
    if method == "logit" and kind == "proportion" and values["logit_fit"] == "r_glm":
        point, logit_se = _svyglm_logit(design, lin, rows_per_domain)
    interval = IntervalInput(point, se, df, np.tile(rows_per_domain, j), lin.kish_n, values["ci_level"], logit_se)
    low, high = confidence_interval(method, interval, kind == "proportion")
    methods = np.full(m * j, method, dtype=object)
    if kind == "proportion" and values["boundary_interval"] == "exact":
        low, high, methods = boundary_fill(method, interval, low, high)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = se / np.abs(lin.estimate)
        deff = lin.variance / lin.srs_variance
    order = np.arange(m * j).reshape(j, m).T.ravel()  # domain-major, categories within
    table = pd.DataFrame(
        {
            "variable": variable,
            "level": pd.Series(np.repeat(lin.levels, m), dtype=object),
            "domain_type": lin.domains.kind,
            "domain": pd.Series(np.tile(np.array(lin.domains.labels, dtype=object), j), dtype=object),
            "estimate": point,
            "se": se,
            "ci_low": low,
            "ci_high": high,
            "ci_method": methods,
            "df": df,
            "cv": cv,
            "deff": deff,
            "n_unweighted": lin.n.astype(np.int64),
            "weighted_n": lin.weighted_n,
            "flag": "ok",
        },
        columns=COLUMNS,
    ).iloc[order].reset_index(drop=True)
    return apply_reliability(table, values) if reliability else table


def _svyglm_logit(design: Design, lin: Linearised, rows_per_domain: np.ndarray):
    """Point estimate and se of logit(p) as R's svyglm(quasibinomial) inside svyciprop: prior
    weights normalised to mean 1 over the domain's design rows; at p in {0, 1} the fitted p is
    near but not at the boundary and its se comes from the variance of the domain's size."""
    m, dom, w = len(lin.domains.labels), lin.domains.codes, design.weights
    inside = dom >= 0
    scale = rows_per_domain / np.bincount(dom[inside], w[inside], m)
    mus, size_columns = [], []
    for j, y in enumerate(lin.targets):
        valid = np.flatnonzero(inside & ~np.isnan(y))
        d = dom[valid]
        mus.append(fit_intercept(y[valid], d, w[valid] * scale[d], m))
        size_columns.append((valid, d + j * m))
    mu, p, total_w = np.concatenate(mus), lin.estimate, lin.weighted_n
    numerator = np.square(total_w) * lin.variance
    boundary = np.flatnonzero(((p == 0) | (p == 1)) & (total_w > 0))
    if len(boundary):
        rows = np.concatenate([v for v, _ in size_columns])
        cols = np.concatenate([c for _, c in size_columns])
        keep = np.isin(cols, boundary)
        sizes = Influence(rows[keep], np.searchsorted(boundary, cols[keep]), w[rows[keep]], len(boundary))
        numerator[boundary] += np.square(p[boundary] - mu[boundary]) * linearised_variance(design, sizes)
    with np.errstate(divide="ignore", invalid="ignore"):
        return mu, np.sqrt(numerator) / (total_w * mu * (1 - mu))


def compare(
    design: Design,
    variable: str,
    first: Any,
    second: Any,
    kind: str = "mean",
    level: Any = None,
    by: str | Sequence[str] | None = None,
    other: Design | None = None,
    ci: str = "wald_t",
    settings: Mapping[str, Any] | None = None,
    by_second: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Difference first − second with its standard error and interval.

    Without `other`: two domains of `by` in the same design; the covariance through shared strata,
    PSUs and calibration is included (the influence of the difference is the difference of the
    influences). `by_second` takes `second` from another grouping of the same design, e.g. a
    commune (`by=[wave, commune]`) against its whole wave (`by_second=wave`), which contains it:
    the covariance is included the same way. With `other`: `first` is a domain of `design`,
    `second` a domain of `other`, two independent samples (e.g. two waves): var = v1 + v2,
    Welch-Satterthwaite df. Use None as the domain for the overall estimate (by=None).
    """
    if kind == "proportion" and level is None:
        raise UserError("Pour comparer des proportions, précisez la modalité (level).", "")
    values = settings_mod.resolve(settings)
    lin = linearise(design, variable, kind, level, by)
    a = _domain_index(lin.domains, first)
    if other is None and by_second is not None:
        lin2 = linearise(design, variable, kind, level, by_second)
        b = _domain_index(lin2.domains, second)
        contrast = _nested_contrast(lin.influence, a, lin2.influence, b)
        variance = float(linearised_variance(design, contrast)[0])
        second_estimate, df, n_second = lin2.estimate[b], float(design.degrees_of_freedom), lin2.n[b]
    elif other is None:
        b = _domain_index(lin.domains, second)
        contrast = lin.influence.contrast(a, b)
        variance = float(linearised_variance(design, contrast)[0])
        second_estimate, df = lin.estimate[b], float(design.degrees_of_freedom)
        n_second = lin.n[b]
    else:
        lin2 = linearise(other, variable, kind, level, by)
        b = _domain_index(lin2.domains, second)
        v1, v2 = lin.variance[a], lin2.variance[b]
        variance = float(v1 + v2)
        df1 = domain_df(design, lin.domains)[a]
        df2 = domain_df(other, lin2.domains)[b]
        df = float(variance**2 / (v1**2 / df1 + v2**2 / df2)) if variance > 0 else float(df1 + df2)
        second_estimate, n_second = lin2.estimate[b], lin2.n[b]
    difference = float(lin.estimate[a] - second_estimate)
    se = np.sqrt(variance)
    one = np.ones(1)
    interval = IntervalInput(difference * one, se * one, df * one, one, one, values["ci_level"])
    low, high = confidence_interval(ci, interval, proportion=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = difference / se
    p_value = float(2 * stats.t.sf(abs(statistic), df)) if ci == "wald_t" else float(2 * stats.norm.sf(abs(statistic)))
    return pd.DataFrame(
        [
            {
                "variable": variable,
                "level": None if level is None else label(level),
                "domain_type": lin.domains.kind,
                "first": first,
                "second": second,
                "estimate_first": float(lin.estimate[a]),
                "estimate_second": float(second_estimate),
                "difference": difference,
                "se": float(se),
                "ci_low": float(low[0]),
                "ci_high": float(high[0]),
                "ci_method": ci,
                "df": df,
                "p_value": p_value,
                "n_first": int(lin.n[a]),
                "n_second": int(n_second),
            }
        ]
    )


def _nested_contrast(first: Influence, a: int, second: Influence, b: int) -> Influence:
    """Column `a` of one influence matrix minus column `b` of another over the same rows, one
    value per row (the variance squares each row's value: shared rows must be summed first)."""
    keep_a, keep_b = first.cols == a, second.cols == b
    rows = np.concatenate([first.rows[keep_a], second.rows[keep_b]])
    values = np.concatenate([first.values[keep_a], -second.values[keep_b]])
    unique, position = np.unique(rows, return_inverse=True)
    summed = np.bincount(position, values, len(unique))
    return Influence(unique, np.zeros(len(unique), np.int64), summed, 1)


def _domain_index(domains: Domains, value: Any) -> int:
    wanted = None if value is None else label(value)
    if wanted not in domains.labels:
        raise UserError(
            f"Domaine « {value} » introuvable.",
            f"Domaines disponibles : {', '.join(map(str, domains.labels[:20]))}.",
        )
    return domains.labels.index(wanted)

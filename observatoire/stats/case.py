"""Reference cases: a folder with case.json + data.csv, answered in expected.json's format.

case.json (see tests/stats/reference_cases/README.md):
  data:        optional, the data file relative to the folder (default data.csv), so that
               cases on the same data share one copy
  design:      {"weights", "strata", "cluster", "fpc", optional "lonely_psu"}
  calibration: null or {"method": "raking"|"linear"|null, "margins": [{"variable": name or
               [names], "totals": {category: total}}] (crossed categories joined by ":"),
               optional "epsilon", "max_iter", "trim": null or {"lower", "upper", "strict",
               "rerake"}}; trim mirrors R's trimWeights(design, lower, upper, strict) applied
               after the calibration (rerake: calibrate again on the same margins, default false)
  estimates:   [{"kind", "variable", "level", "by", "ci"}]  (+ "denominator" for a ratio)
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from observatoire.errors import UserError
from observatoire.stats.calibration import calibrate, trim
from observatoire.stats.design import Design
from observatoire.stats.estimators import estimate

R_EMULATION = {"logit_fit": "r_glm", "boundary_interval": "none"}  # reproduce svyciprop's glm fit, boundaries included
OVERALL_DEFF_KINDS = ("mean", "total")  # expected.json gives deff for overall means/totals only


def case_file(path: str | Path) -> Path:
    path = Path(path)
    return path / "case.json" if path.is_dir() else path


def load_case(path: str | Path) -> tuple[dict, pd.DataFrame]:
    file = case_file(path)
    try:
        case = json.loads(file.read_text(encoding="utf-8"))
        data_file = file.parent / (case.get("data", "data.csv") if isinstance(case, dict) else "data.csv")
        data = pd.read_csv(data_file, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as err:
        raise UserError(
            f"Cas de référence illisible : {file} ({err}).",
            "Donnez un dossier contenant case.json et data.csv, ou le chemin de case.json.",
        ) from err
    if not isinstance(case, dict) or "design" not in case or "estimates" not in case:
        raise UserError(f"{file} : les clés « design » et « estimates » sont obligatoires.", "")
    return case, data


def case_design(case: dict, data: pd.DataFrame) -> Design:
    spec = case["design"]
    design = Design.from_frame(
        data, weights=spec["weights"], strata=spec.get("strata"), cluster=spec.get("cluster"),
        fpc=spec.get("fpc"), lonely_psu=spec.get("lonely_psu"),
    )  # fmt: skip
    calibration = case.get("calibration") or {}
    if calibration.get("margins"):
        margins = {_key(m["variable"]): _totals(m) for m in calibration["margins"]}
        design = calibrate(
            design,
            margins,
            method=calibration.get("method") or "raking",
            epsilon=calibration.get("epsilon", 1e-13),
            max_iter=calibration.get("max_iter", 200),
        )
    bounds = calibration.get("trim")
    if bounds:
        design = trim(
            design,
            lower=_bound(bounds.get("lower"), -np.inf),
            upper=_bound(bounds.get("upper"), np.inf),
            strict=bool(bounds.get("strict", False)),
            rerake=bool(bounds.get("rerake", False)),
        )
    return design


def _bound(value: Any, default: float) -> float:
    return default if value is None else float(value)


def _key(variable: str | list[str]) -> str | tuple[str, ...]:
    return variable if isinstance(variable, str) else tuple(variable)


def _totals(margin: dict) -> dict:
    crossed = not isinstance(margin["variable"], str)
    return {(tuple(k.split(":")) if crossed else k): float(v) for k, v in margin["totals"].items()}


def run_case(path: str | Path) -> dict:
    """The case's answer as a dict shaped like expected.json."""
    case, data = load_case(path)
    design = case_design(case, data)
    entries = []
    for request in case["estimates"]:
        table = estimate(
            design,
            request["variable"],
            kind=request["kind"],
            level=request.get("level"),
            by=request.get("by"),
            ci=request.get("ci"),
            denominator=request.get("denominator"),
            settings=R_EMULATION,
            reliability=False,
        )
        entries.extend(_entry(request, row) for row in table.itertuples(index=False))
    calibrated = bool(case.get("calibration"))
    return {
        "id": case.get("id", case_file(path).parent.name),
        "weights_after_calibration": [float(w) for w in design.weights] if calibrated else None,
        "estimates": entries,
    }


def _entry(request: dict, row: Any) -> dict:
    with_ci = request.get("ci") is not None
    with_deff = request.get("by") is None and request["kind"] in OVERALL_DEFF_KINDS
    return {
        "kind": request["kind"],
        "variable": request["variable"],
        "level": request.get("level"),
        "by": request.get("by"),
        "domain": row.domain,
        "ci": request.get("ci"),
        "estimate": _number(row.estimate),
        "se": _number(row.se),
        "ci_low": _number(row.ci_low) if with_ci else None,
        "ci_high": _number(row.ci_high) if with_ci else None,
        "deff": _number(row.deff) if with_deff else None,
    }


def _number(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value

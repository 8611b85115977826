"""Design-based survey statistics (the bar: R's `survey` package). No Streamlit import here.

    design = design_from_spec(df, load_spec())          # weights, strata, raking, trimming
    table = estimate(design, "in_difficulty", kind="proportion", level=1, by="commune")
"""

from observatoire.stats.calibration import CalibrationStep, calibrate, rake, trim, weight_diagnostics
from observatoire.stats.design import Design
from observatoire.stats.estimators import COLUMNS, compare, estimate
from observatoire.stats.intervals import METHODS as CI_METHODS
from observatoire.stats.reliability import apply_reliability
from observatoire.stats.spec_design import design_from_spec

__all__ = [
    "CI_METHODS",
    "COLUMNS",
    "CalibrationStep",
    "Design",
    "apply_reliability",
    "calibrate",
    "compare",
    "design_from_spec",
    "estimate",
    "rake",
    "trim",
    "weight_diagnostics",
]

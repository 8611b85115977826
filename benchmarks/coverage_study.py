"""Coverage of 95 % intervals for a proportion (in_difficulty), overall and by commune, per CI method.

    .venv/bin/python benchmarks/coverage_study.py [--samples 1000] [--workers 2]

Population with known truth: the demo population of observatoire.demo.survey (true share per
commune and for the métropole, wave 2024). Each replicate draws a fresh telephone-like sample
(stratified by commune, response biased towards graduates and away from people aged 75+), then
runs the production chain: design_from_spec (raking on census margins, trimming, re-raking) and
estimate(..., ci=method). Half the replicates have 5,000 respondents, half 1,200 so that small
communes have 20-50 respondents. A missing interval (e.g. logit at p = 0) counts as a miss.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from observatoire.demo.survey import build_population  # noqa: E402
from observatoire.stats import CI_METHODS, design_from_spec, estimate  # noqa: E402
from observatoire.survey_spec import derive, territory_spec  # noqa: E402
from observatoire.territory import load_territory  # noqa: E402

WAVE = 2024
SIZES = (5000, 1200)
BANDS = [(0, 20), (20, 50), (50, 100), (100, 10**9)]


def replicate(seed: int) -> pd.DataFrame:
    """One sample: for each method, overall and per-commune intervals with their truth."""
    spec = territory_spec(load_territory())
    population = build_population()
    truth = population.truth(WAVE).set_index(["geo_level", "geo_code"])["in_difficulty"]
    rng = np.random.default_rng(seed)
    n = SIZES[seed % len(SIZES)]
    sample = derive(population.sample(rng, n, WAVE), spec)
    design = design_from_spec(sample, spec)
    rows = []
    for method in CI_METHODS:
        for by, level in ((None, "territory"), ("commune", "commune")):
            table = estimate(design, "in_difficulty", kind="proportion", level=1, by=by, ci=method, reliability=False)
            codes = ["territory"] if by is None else table["domain"].tolist()
            true = truth.loc[[(level, c) for c in codes]].to_numpy()
            rows.append(
                pd.DataFrame(
                    {
                        "method": method,
                        "level": level,
                        "sample_size": n,
                        "n": table["n_unweighted"].to_numpy(),
                        "covered": (table["ci_low"] <= true) & (true <= table["ci_high"]),
                        "missing": table["ci_low"].isna() | table["ci_high"].isna(),
                        "width": table["ci_high"] - table["ci_low"],
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def band(n: int) -> str:
    for low, high in BANDS:
        if low <= n < high:
            return f"{low}-{high - 1}" if high < 10**9 else f"{low}+"
    return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = pd.concat(pool.map(replicate, range(args.samples), chunksize=10), ignore_index=True)
    elapsed = time.perf_counter() - start
    results["group"] = np.where(results["level"] == "territory", "overall (n=" + results["sample_size"].astype(str) + ")",
                                "commune n " + results["n"].map(band))  # fmt: skip
    summary = results.groupby(["group", "method"]).agg(
        coverage=("covered", "mean"), missing=("missing", "mean"), width=("width", "median"), cells=("covered", "size")
    )
    coverage = summary["coverage"].unstack("method").map(lambda v: f"{100 * v:5.1f} %")
    cells = summary["cells"].unstack("method").iloc[:, 0].rename("cells")
    print(f"Coverage of nominal 95 % intervals, in_difficulty {WAVE}, {args.samples} samples ({elapsed:.0f} s)\n")
    print(pd.concat([coverage, cells], axis=1).to_string())
    print("\nShare of missing intervals (counted as misses):")
    print(summary["missing"].unstack("method").map(lambda v: f"{100 * v:4.1f} %").to_string())
    print("\nMedian interval width (percentage points):")
    print(summary["width"].unstack("method").map(lambda v: f"{100 * v:5.1f}").to_string())


if __name__ == "__main__":
    main()

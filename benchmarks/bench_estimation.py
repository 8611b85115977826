"""Time and peak memory of read → validate → design → rake → estimates, at 5,000 and 1,000,000 rows.

    .venv/bin/python benchmarks/bench_estimation.py [--sizes 5000 1000000] [--no-r]

Files are the demo survey (data/demo/survey.csv) resampled with replacement to the wanted size
(new respondent ids). Each size runs in a fresh child process so its peak RSS is its own.

Two jobs are timed:
- pipeline job: observatoire.readers.read_table → validation.validate_survey → derive →
  stats.design_from_spec (both waves; raking on survey/design.yaml margins crossed by wave,
  trimming, re-raking) → in_difficulty by overall, commune (28), IRIS (277) within wave;
- R-comparable job (all rows taken as one sample, data already in memory): design stratified
  by commune, raking on 4 margins (commune, age_band, sex, diploma), overall mean + means by the 28 communes. The same
  job runs in R's survey package when Rscript is available (rake(), svymean(), svyby()), and the
  time ratio is printed.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from observatoire.territory import load_territory  # noqa: E402

R_MARGINS = ("commune", "age_band", "sex", "diploma")
R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(TRUE)
df <- read.csv(args[1], colClasses = c(commune = "character"))
pop <- lapply(c("commune", "age_band", "sex", "diploma"), function(v) {
  m <- read.csv(file.path(args[2], paste0(v, ".csv")), colClasses = "character")
  m$Freq <- as.numeric(m$Freq); m
})
elapsed <- system.time({
  des <- svydesign(ids = ~1, strata = ~commune, weights = ~weight, data = df)
  rk <- rake(des, list(~commune, ~age_band, ~sex, ~diploma), pop, control = list(maxit = 100, epsilon = 1e-8))
  m <- svymean(~in_difficulty, rk)
  b <- svyby(~in_difficulty, ~commune, rk, svymean)
})[["elapsed"]]
cat(sprintf("%.6f %.10f %.10f\n", elapsed, coef(m), SE(b)[1]))
"""


def scaled_sample(n: int, seed: int = 1) -> pd.DataFrame:
    demo = pd.read_csv(load_territory().survey, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    rows = demo.iloc[np.sort(rng.integers(0, len(demo), n))].reset_index(drop=True)
    waves = rows["wave"]
    scale = len(demo) / n  # keep weights summing to the population (R's rake tolerance is relative to it)
    rows["weight"] = (rows["weight"].astype(float) * scale).round(8).astype(str)
    rows["respondent_id"] = waves + "-" + pd.Series(np.arange(n)).astype(str).str.zfill(7)
    return rows


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss would carry the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: Path, margins_dir: Path) -> dict:
    """Runs in a fresh process: times each stage, reports peak RSS."""
    from observatoire.geo import load_geography
    from observatoire.readers import read_table
    from observatoire.stats import Design, design_from_spec, estimate, rake
    from observatoire.survey_spec import derive, territory_spec
    from observatoire.validation import validate_survey

    spec = territory_spec(load_territory())
    baseline = peak_rss_mb()
    times, start = {}, time.perf_counter()

    def lap(name):
        nonlocal start
        now = time.perf_counter()
        times[name] = now - start
        start = now

    table = read_table(path, value_labels=spec.labels_fr)
    lap("read")
    report = validate_survey(table, spec, load_geography(load_territory()))
    if not report.ok:
        raise SystemExit(f"validation failed: {report.findings[:3]}")
    lap("validate")
    sample = derive(report.data, spec)
    lap("derive")
    tracemalloc.start()  # memory allocated by the statistics engine alone (design -> estimates)
    design = design_from_spec(sample, spec)
    lap("design+rake+trim")
    for by in ("wave", ["wave", "commune"], ["wave", "iris"]):
        estimate(design, "in_difficulty", kind="proportion", level=1, by=by)
        lap(f"estimate by {by if isinstance(by, str) else ' × '.join(by)}")
    stats_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    pipeline_total = sum(times.values())
    pipeline_rss = peak_rss_mb()

    margins = {v: _margin(margins_dir / f"{v}.csv", v) for v in R_MARGINS}
    start = time.perf_counter()
    raked = rake(Design.from_frame(sample, weights="weight", strata="commune"), margins, epsilon=1e-7)
    overall = estimate(raked, "in_difficulty", reliability=False)
    by_commune = estimate(raked, "in_difficulty", by="commune", reliability=False)
    r_comparable = time.perf_counter() - start
    return {
        "rows": len(sample),
        "stages": times,
        "pipeline_total": pipeline_total,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": pipeline_rss,
        "stats_peak_mb": stats_peak,
        "r_comparable_seconds": r_comparable,
        "r_comparable_rows": len(sample),
        "r_comparable_check": [float(overall["estimate"][0]), float(by_commune["se"][0])],
    }


def _margin(path: Path, variable: str) -> dict:
    frame = pd.read_csv(path, dtype=str)
    return dict(zip(frame[variable], frame["Freq"].astype(float)))


def write_inputs(n: int, folder: Path) -> tuple[Path, Path, Path]:
    """Survey file for the pipeline, the same rows with in_difficulty for R, 4 margins files."""
    from observatoire.survey_spec import derive, territory_spec

    spec = territory_spec(load_territory())
    sample = scaled_sample(n)
    survey = folder / f"survey_{n}.csv"
    sample.to_csv(survey, index=False)
    margins_dir = folder / "margins"
    margins_dir.mkdir(exist_ok=True)
    crossed = spec.margins[("age_band", "sex")]
    single = {
        "commune": spec.margins["commune"],
        "diploma": spec.margins["diploma"],
        "age_band": _collapse(crossed, 0),
        "sex": _collapse(crossed, 1),
    }
    for variable, totals in single.items():
        pd.DataFrame({variable: list(totals), "Freq": list(totals.values())}).to_csv(
            margins_dir / f"{variable}.csv", index=False
        )
    typed = derive(pd.read_csv(survey, dtype={"commune": str, "iris": str}), spec)
    r_file = folder / f"r_{n}.csv"
    typed[["commune", "age_band", "sex", "diploma", "weight", "in_difficulty"]].to_csv(r_file, index=False)
    return survey, r_file, margins_dir


def _collapse(crossed: dict, position: int) -> dict:
    out: dict = {}
    for key, total in crossed.items():
        out[key[position]] = out.get(key[position], 0.0) + total
    return out


def run_r(r_file: Path, margins_dir: Path, folder: Path) -> tuple[float, list[float]] | None:
    if shutil.which("Rscript") is None:
        return None
    script = folder / "bench.R"
    script.write_text(R_SCRIPT)
    out = subprocess.run(["Rscript", str(script), str(r_file), str(margins_dir)], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"  R a échoué : {out.stderr.strip()[-300:]}")
        return None
    elapsed, mean, se = out.stdout.split()
    return float(elapsed), [float(mean), float(se)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 1_000_000])
    parser.add_argument("--no-r", action="store_true", help="skip the R comparison")
    parser.add_argument("--child", nargs=2, metavar=("SURVEY", "MARGINS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]))))
        return
    if not args.no_r and shutil.which("Rscript") is None:
        print("Rscript introuvable : comparaison avec R sautée (apt-get install r-base-core r-cran-survey).")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.sizes:
            survey, r_file, margins_dir = write_inputs(n, folder)
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(survey), str(margins_dir)],
                capture_output=True, text=True, check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"\n== {n:,} rows (two waves) ==".replace(",", " "))
            for stage, seconds in result["stages"].items():
                print(f"  {stage:<32s} {seconds:8.3f} s")
            print(f"  {'pipeline total':<32s} {result['pipeline_total']:8.3f} s")
            print(f"  peak RSS {result['peak_rss_mb']:.0f} MB (after imports {result['baseline_rss_mb']:.0f} MB); "
                  f"design → estimates allocate at most {result['stats_peak_mb']:.0f} MB (tracemalloc)")
            ours = result["r_comparable_seconds"]
            print(f"  R-comparable job ({result['r_comparable_rows']} rows, rake 4 margins, mean overall + by commune): {ours:.3f} s")
            if args.no_r:
                continue
            r = run_r(r_file, margins_dir, folder)
            if r is not None:
                elapsed, check = r
                ours_mean = result["r_comparable_check"][0]  # SEs differ by design: R's rake() approximates
                print(f"  R survey: {elapsed:.3f} s -> ratio R / Python = {elapsed / ours:.0f}x "
                      f"(overall mean R {check[0]:.10f}, Python {ours_mean:.10f})")


if __name__ == "__main__":
    main()

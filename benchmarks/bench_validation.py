"""Time reading and validating the demo survey file (both waves, then one wave), a cp1252,
`;`-separated copy of it and, with --tile N, the demo tiled N times (new respondent ids; 100 gives
a million rows). Prints median wall times over several runs and which CSV path read the file
(fast: pandas/pyarrow; careful: Python's csv module, for files the fast one cannot vouch for).

    .venv/bin/python benchmarks/bench_validation.py [--tile 100]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from observatoire.formatting import fmt_number
from observatoire.geo import load_geography
from observatoire.territory import load_territory
from observatoire.readers import decode_text, parse_fast, read_table, sniff_delimiter
from observatoire.survey_spec import territory_spec
from observatoire.validation import validate_survey

RUNS = 7
LARGE_RUNS = 3  # a million rows: a few runs are enough for a median


def median_seconds(task, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def csv_path_used(path: Path) -> str:
    text, _, _ = decode_text(path.read_bytes(), path)
    return "rapide" if parse_fast(text, sniff_delimiter(text)) is not None else "prudent"


def bench(label: str, path: Path, spec, runs: int = RUNS) -> None:
    geography = load_geography(load_territory())
    table = read_table(path)
    report = validate_survey(table, spec, geography)
    read_s = median_seconds(lambda: read_table(path), runs)
    check_s = median_seconds(lambda: validate_survey(table, spec, geography), runs)
    status = "valide" if report.ok else f"{len(report.findings)} problèmes"
    print(f"{label:<38} {fmt_number(len(table.frame)):>9} lignes  lecture {fmt_number(read_s * 1000):>6} ms ({csv_path_used(path)})  validation {fmt_number(check_s * 1000):>6} ms  ({status})")


def tiled(frame: pd.DataFrame, times: int) -> pd.DataFrame:
    """The demo repeated `times` times, respondent ids made unique again."""
    big = pd.concat([frame] * times, ignore_index=True)
    big["respondent_id"] = big["respondent_id"] + "-" + (big.index // len(frame)).astype(str)
    return big


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tile", type=int, default=0, help="also time the demo tiled N times (100: a million rows)")
    args = parser.parse_args()
    spec = territory_spec(load_territory())
    demo = load_territory().survey
    frame = pd.read_csv(demo, dtype=str, keep_default_na=False)
    with tempfile.TemporaryDirectory() as tmp:
        one_wave = Path(tmp) / "wave.csv"
        frame[frame["wave"] == frame["wave"].iloc[0]].to_csv(one_wave, index=False)
        cp1252 = Path(tmp) / "cp1252.csv"
        frame.to_csv(cp1252, sep=";", index=False, encoding="cp1252")
        bench("démo, deux vagues (UTF-8, « , »)", demo, spec)
        bench("démo, une vague (UTF-8, « , »)", one_wave, spec)
        bench("démo, deux vagues (cp1252, « ; »)", cp1252, spec)
        if args.tile:
            big = Path(tmp) / "tiled.csv"
            tiled(frame, args.tile).to_csv(big, index=False)
            bench(f"démo × {args.tile} (UTF-8, « , »)", big, spec, LARGE_RUNS)


if __name__ == "__main__":
    main()

"""Time reading and validating the demo survey file (both waves, then one wave) and a cp1252,
`;`-separated copy of it. Prints median wall times over several runs."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from observatoire.formatting import fmt_number
from observatoire.paths import DEMO_DIR
from observatoire.readers import read_table
from observatoire.survey_spec import load_spec
from observatoire.validation import validate_survey

RUNS = 7


def median_seconds(task) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(label: str, path: Path, spec) -> None:
    table = read_table(path)
    report = validate_survey(table, spec)
    read_s = median_seconds(lambda: read_table(path))
    check_s = median_seconds(lambda: validate_survey(table, spec))
    status = "valide" if report.ok else f"{len(report.findings)} problèmes"
    print(f"{label:<38} {fmt_number(len(table.frame)):>7} lignes  lecture {fmt_number(read_s * 1000)} ms  validation {fmt_number(check_s * 1000)} ms  ({status})")


def main() -> None:
    spec = load_spec()
    demo = DEMO_DIR / "survey.csv"
    frame = pd.read_csv(demo, dtype=str, keep_default_na=False)
    with tempfile.TemporaryDirectory() as tmp:
        one_wave = Path(tmp) / "wave.csv"
        frame[frame["wave"] == frame["wave"].iloc[0]].to_csv(one_wave, index=False)
        cp1252 = Path(tmp) / "cp1252.csv"
        frame.to_csv(cp1252, sep=";", index=False, encoding="cp1252")
        bench("démo, deux vagues (UTF-8, « , »)", demo, spec)
        bench("démo, une vague (UTF-8, « , »)", one_wave, spec)
        bench("démo, deux vagues (cp1252, « ; »)", cp1252, spec)


if __name__ == "__main__":
    main()

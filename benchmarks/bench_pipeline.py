"""Time of `pipeline.run` on the demo data (10,000 respondents): what the app computes once per
input content, and what an upload on the Données page costs before its results show.

    .venv/bin/python benchmarks/bench_pipeline.py [--repeat N]

Prints wall and CPU seconds of: the first run in a fresh process (imports excluded; it parses
the territory's files), the median of N further runs, and the median of N runs on the same
survey given as an upload's bytes (the Données page path: the territory's files are already
parsed, the survey is read, validated, weighted and estimated again). CPU seconds count every
thread of this process: what the load of other programs on the machine does not change.
"""

from __future__ import annotations

import argparse
import statistics
import time

from observatoire.formatting import fmt_number
from observatoire.pipeline import Inputs, run
from observatoire.territory import load_territory


def timed(inputs: Inputs) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run(inputs)
    return time.perf_counter() - wall, time.process_time() - cpu


def medians(times: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    territory = load_territory()
    first = timed(Inputs.of(territory))
    again = medians([timed(Inputs.of(territory)) for _ in range(args.repeat)])
    content = territory.survey.read_bytes()
    upload = medians([timed(Inputs.upload(territory, "enquete.csv", content)) for _ in range(args.repeat)])
    results = run(Inputs.of(territory))
    print(f"pipeline.run, demo ({fmt_number(len(results.sample))} respondents, {len(results.waves)} waves):")
    print(f"{'':<28}{'wall s':>8}{'CPU s':>8}")
    for label, (wall, cpu) in (("first run", first), (f"median of {args.repeat}", again),
                               (f"upload, median of {args.repeat}", upload)):
        print(f"{label:<28}{wall:>8.2f}{cpu:>8.2f}")
    print(f"estimates rows {fmt_number(len(results.estimates))}, IRIS areas {len(results.areas)}, "
          f"indicators {len(results.progress)}")


if __name__ == "__main__":
    main()

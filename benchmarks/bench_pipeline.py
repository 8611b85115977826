"""Time of `pipeline.run` on the demo data (what the app computes once per input content).

    .venv/bin/python benchmarks/bench_pipeline.py [--repeat N]

Prints the first run in a fresh process (imports excluded), the median of N further runs, and
the run on the same file given as an upload's bytes (the Données page path).
"""

from __future__ import annotations

import argparse
import statistics
import time

from observatoire.formatting import fmt_number
from observatoire.pipeline import Inputs, run
from observatoire.territory import load_territory


def seconds(inputs: Inputs) -> float:
    start = time.perf_counter()
    run(inputs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    first = seconds(Inputs.of(load_territory()))
    warm = statistics.median(seconds(Inputs.of(load_territory())) for _ in range(args.repeat))
    upload = seconds(Inputs.upload(load_territory(), "survey.csv", load_territory().survey.read_bytes()))
    results = run(Inputs.of(load_territory()))
    print(f"pipeline.run, demo ({fmt_number(len(results.sample))} respondents, {len(results.waves)} waves):")
    print(f"  first run        {first:.2f} s")
    print(f"  median of {args.repeat}      {warm:.2f} s")
    print(f"  from upload bytes {upload:.2f} s")
    print(f"  estimates rows   {fmt_number(len(results.estimates))}, IRIS areas {len(results.areas)}, indicators {len(results.progress)}")


if __name__ == "__main__":
    main()

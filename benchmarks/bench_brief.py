"""The council brief (PDF) on the demo data: pages, size and build time, after one pipeline run.

    .venv/bin/python benchmarks/bench_brief.py [--repeat N]

Prints, for the territory's brief and a one-commune brief: page count, size in KB, the first
build in the process (fonts, vl-convert warm-up) and the median of N further builds.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from datetime import date

import pypdf

from observatoire.brief import build_brief
from observatoire.pipeline import Inputs, run
from observatoire.territory import load_territory

DAY = date(2026, 3, 12)


def timed(build) -> tuple[float, bytes]:
    start = time.perf_counter()
    pdf = build()
    return time.perf_counter() - start, pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = run(Inputs.of(load_territory()))
    commune = str(results.geography.communes["code"].iloc[0])
    for name, build in (("council brief", lambda: build_brief(results, day=DAY)),
                        (f"commune brief ({commune})", lambda: build_brief(results, commune=commune, day=DAY))):
        first, pdf = timed(build)
        warm = statistics.median(timed(build)[0] for _ in range(args.repeat))
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        print(f"{name}: {pages} pages, {len(pdf) / 1024:.0f} KB, first build {first:.2f} s, median of {args.repeat} {warm:.2f} s")


if __name__ == "__main__":
    main()

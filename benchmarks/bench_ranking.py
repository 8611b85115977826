"""Time to rank the IRIS (4,000 simulated draws) and what the app pays per rerun of Quartiers.

    .venv/bin/python benchmarks/bench_ranking.py

Before caching, every rerun of the Quartiers page (any click) ranked again; `ui.loaders.ranking`
now keeps the ranking per results fingerprint, settings and choice (criterion, k, commune).
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from observatoire.areas.ranking import rank_areas  # noqa: E402
from observatoire.ui import loaders  # noqa: E402

logging.disable(logging.WARNING)  # bare-mode cache calls log "missing ScriptRunContext"


def seconds(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    results = loaders.territory_results()
    for by in ("count", "share", "index"):
        uncached = seconds(lambda: rank_areas(results.areas, by, k=20, settings=results.settings))
        loaders.ranking(results, by, 20, None)  # fills the cache
        cached = seconds(lambda: loaders.ranking(results, by, 20, None), repeats=5)
        print(f"classement --by {by} (277 IRIS, 4 000 tirages) : {uncached:.3f} s sans cache, "
              f"{cached * 1000:.1f} ms depuis le cache")
    page = AppTest.from_file(str(ROOT / "pages" / "neighbourhoods.py"), default_timeout=300)
    start = time.perf_counter()
    page.run()
    first = time.perf_counter() - start
    rerun = seconds(lambda: page.run())
    print(f"page Quartiers : premier rendu {first:.2f} s (classement en cache), nouveau rendu {rerun:.2f} s")


if __name__ == "__main__":
    main()

"""Concurrent sessions against one served app, without browsers: each session speaks Streamlit's
own websocket protocol (`observatoire.ui.visits`: protobuf `BackMsg`/`ForwardMsg` on
`/_stcore/stream`), asks for one page as a first visit does (a `rerun_script` with the page's
URL name) and reads until the `script_finished` message. Prints, for N concurrent sessions and
each page, the median, 95th percentile and maximum time from connection to the end of the page
run, the server's CPU time per visit, and its memory (resident set now and at its peak), from
/proc.

    .venv/bin/python benchmarks/bench_load.py [--sessions 1 10 25 50] [--pages accueil carte quartiers]

The server is started fresh (`observatoire serve`, as `make run`): the first line says how long it
took to be ready (results computed or read from the cache, pages warmed) and how long the first
visit of the root then takes. Clients and server share this machine's cores: the figures are an
upper bound of what the server alone would take.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from observatoire.ui.visits import Visit, visit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_harness import PAGES, served  # noqa: E402

DEFAULT_SESSIONS = (1, 10, 25, 50)
DEFAULT_PAGES = ("accueil", "carte", "quartiers")


def concurrent(url: str, page: str, n: int) -> list[Visit]:
    """N sessions asking for `page` at the same moment."""
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda _: visit(url, page), range(n)))


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB: resident memory now and at its peak."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=list(DEFAULT_SESSIONS))
    parser.add_argument("--pages", nargs="+", default=list(DEFAULT_PAGES), choices=[p.url_path for p in PAGES])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp) / "server.log") as server:
        cold = visit(server.url, "")
        print(f"server ready in {server.start_seconds:.1f} s; first visit of the root (leads to /accueil): {cold.seconds:.2f} s"
              f" ({cold.elements} elements{', ' + '; '.join(cold.problems) if cold.problems else ''})")
        for url_path in args.pages:  # every page once, so that the table shows steady state
            visit(server.url, url_path)
        rss, _ = memory_kb(server.pid)
        print(f"server memory after one visit of each page: {rss / 1024:.0f} MB")
        print(f"{'sessions':>8}  {'page':<12}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'CPU/visit':>10}{'RSS MB':>8}"
              f"{'peak MB':>8}  problems")
        for n in args.sessions:
            for url_path in args.pages:
                cpu = cpu_seconds(server.pid)
                visits = concurrent(server.url, url_path, n)
                cpu = (cpu_seconds(server.pid) - cpu) / n
                seconds = [v.seconds for v in visits]
                problems = sorted({p for v in visits for p in v.problems})
                rss, peak = memory_kb(server.pid)
                print(f"{n:>8}  {url_path:<12}{statistics.median(seconds):>8.2f}{percentile(seconds, 0.95):>8.2f}"
                      f"{max(seconds):>8.2f}{cpu:>10.3f}{rss / 1024:>8.0f}{peak / 1024:>8.0f}  {'; '.join(problems) or '-'}")
    print("Time: from opening the websocket to the end of the page's script run, N sessions at once "
          "(each connects, asks for the page, waits for its run to end). CPU/visit: the server's CPU seconds per "
          "session (all its threads; what the load of other programs does not change). RSS: the server process's resident memory "
          "after the batch; peak: its high-water mark so far.")


if __name__ == "__main__":
    main()

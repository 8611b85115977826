"""Server memory under uploads: resident memory (RSS) of `streamlit run app.py` after 20 survey
uploads in one tab, then after 45 MB junk uploads (shapeless text, then rows of the survey's
width whose every value is wrong) once their tab is closed.

Run: `.venv/bin/python benchmarks/bench_uploads.py` (needs /usr/bin/chromium: `make browser`).

Streamlit keeps a closed tab's session for `server.disconnectedSessionTTL` seconds (60 here) in
case the connection comes back, and drops an expired session the next time it stores a
disconnected one, i.e. when another visitor leaves: the last figure is taken after the TTL and
such a departure (a short visit, opened and closed).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_harness import CHROMIUM, chromium, open_page, served, wait_until_idle  # noqa: E402

UPLOADS = 20
JUNK_MB = 45
TTL = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]["disconnectedSessionTTL"]


def memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process, in MB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def surveys(count: int) -> list[bytes]:
    """`count` different valid surveys: the demonstration file less a few rows each time."""
    header, *rows = (ROOT / "data" / "demo" / "survey.csv").read_text(encoding="utf-8").splitlines()
    return [("\n".join([header, *rows[: len(rows) - 7 * i]]) + "\n").encode("utf-8") for i in range(count)]


def shapeless_junk(megabytes: int) -> bytes:
    """Text that looks like a CSV to no one: letters, digits, separators and line breaks."""
    alphabet = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789;;;;,  \n", dtype=np.uint8)
    return alphabet[np.random.default_rng(1).integers(0, len(alphabet), megabytes * 2**20)].tobytes()


def shaped_junk(megabytes: int) -> bytes:
    """The worst junk for the validation: the survey's header, then rows of the right width whose
    every value is wrong (one finding per cell)."""
    header = (ROOT / "data" / "demo" / "survey.csv").read_text(encoding="utf-8").splitlines()[0]
    width = header.count(",") + 1
    words = [f"x{i:05d}" for i in range(5000)]
    lines, size, i = [header], len(header), 0
    while size < megabytes * 2**20:
        line = ",".join(words[(i * 31 + j * 7) % 5000] for j in range(width))
        lines.append(line)
        size, i = size + len(line) + 1, i + 1
    return ("\n".join(lines) + "\n").encode()


def upload(page, name: str, content: bytes, wait_for: str) -> float:
    """Send a file (from a path: the browser reads it itself) and wait for the page's verdict."""
    path = Path(tempfile.mkdtemp()) / name
    path.write_bytes(content)
    start = time.monotonic()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path, timeout=300_000)
    page.get_by_text(wait_for).first.wait_for(timeout=600_000)
    wait_until_idle(page, timeout_ms=600_000)
    elapsed = time.monotonic() - start
    shutil.rmtree(path.parent)
    return elapsed


def main() -> None:
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} missing: run `make browser`")
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp) / "server.log") as server, \
            chromium() as browser:
        url, pid = server.url, server.pid
        tab = open_page(browser, f"{url}/donnees").page
        start_rss, _ = memory_mb(pid)
        seconds = [upload(tab, f"enquete_{i + 1}.csv", content, f"Fichier valide : enquete_{i + 1}.csv")
                   for i, content in enumerate(surveys(UPLOADS))]
        after_uploads, peak_uploads = memory_mb(pid)
        tab.context.close()

        tab = open_page(browser, f"{url}/donnees").page
        shapeless_seconds = upload(tab, "desordre.csv", shapeless_junk(JUNK_MB), "n'a pas la forme d'un tableau")
        junk_seconds = upload(tab, "dechets.csv", shaped_junk(JUNK_MB), "Fichier non valide : dechets.csv")
        with_junk, peak_junk = memory_mb(pid)
        tab.context.close()
        time.sleep(2)
        closed, _ = memory_mb(pid)
        time.sleep(TTL + 2)
        open_page(browser, f"{url}/").page.context.close()  # another visitor leaves: expired sessions are dropped
        time.sleep(3)
        reaped, _ = memory_mb(pid)

    print(f"Server RSS, MB (demonstration data loaded, one tab open: {start_rss:.0f})")
    print(f"  after {UPLOADS} survey uploads in one tab ({np.median(seconds):.1f} s each): {after_uploads:.0f} "
          f"(peak {peak_uploads:.0f})")
    print(f"  {JUNK_MB} MB of shapeless text: refused in {shapeless_seconds:.1f} s")
    print(f"  {JUNK_MB} MB junk upload of the survey's shape (a finding per cell) checked in {junk_seconds:.0f} s, "
          f"tab open: {with_junk:.0f} (peak {peak_junk:.0f})")
    print(f"  tab closed, 2 s later: {closed:.0f}")
    print(f"  tab closed, after the {TTL} s session TTL and another visitor's departure: {reaped:.0f}")


if __name__ == "__main__":
    main()

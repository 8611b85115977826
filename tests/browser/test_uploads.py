"""Uploads in a real browser: a 2 MB survey never touches the server's disk, a file name is shown as
text (no Markdown image fetched), and « Revenir aux données du territoire » works at once.

The server runs with its own TMPDIR, and a thread lists `/proc/<pid>/fd` every few milliseconds
while the browser sends the file at a throttled 512 KB/s: Starlette's default (spool any part over
1 MB to an unnamed temporary file) would hold such a file open for seconds, and be seen.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from browser_harness import SCREENS, chromium, open_page, require_tools, served, wait_until_idle

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SIZE = 2 * 2**20


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    require_tools()
    spool = tmp_path_factory.mktemp("server_tmp")
    with served(tmp_path_factory.mktemp("log") / "server.log", env={"TMPDIR": str(spool)}) as server:
        with chromium() as browser:
            yield server.url, server.pid, spool, browser


def survey_of_2_mb() -> bytes:
    """The demonstration survey, its rows repeated under new identifiers up to 2 MB: a valid file."""
    header, *rows = (ROOT / "data" / "demo" / "survey.csv").read_text(encoding="utf-8").splitlines()
    lines, copy = [header, *rows], 0
    while sum(len(line) + 1 for line in lines) < SIZE:
        copy += 1
        lines += [f"c{copy}-{line}" for line in rows[:2000]]
    return ("\n".join(lines) + "\n").encode("utf-8")


class FileWatcher(threading.Thread):
    """Every file the server process holds open under its temp dir, or deleted (an unnamed
    temporary file), sampled until `stop()`."""

    def __init__(self, pid: int, spool: Path):
        super().__init__(daemon=True)
        self.fd_dir, self.spool, self.seen, self.samples = Path(f"/proc/{pid}/fd"), str(spool), set(), 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            for fd in os.listdir(self.fd_dir):
                try:
                    target = os.readlink(self.fd_dir / fd)
                except OSError:
                    continue
                if target.startswith(self.spool) or target.endswith("(deleted)"):
                    self.seen.add(target)
            self.samples += 1
            time.sleep(0.002)

    def stop(self) -> set[str]:
        self._done.set()
        self.join()
        return self.seen


def _throttle_uploads(page, bytes_per_second: int) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": bytes_per_second})


def _upload(page, name: str, content: bytes, mime: str = "text/csv") -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": mime, "buffer": content})


def test_a_2_mb_survey_never_touches_the_servers_disk(watched):
    url, pid, spool, browser = watched
    visit = open_page(browser, f"{url}/donnees")
    page = visit.page
    _throttle_uploads(page, 512 * 1024)
    watcher = FileWatcher(pid, spool)
    watcher.start()
    content = survey_of_2_mb()
    assert len(content) >= SIZE
    _upload(page, "enquete_2mo.csv", content)
    page.get_by_text("Résultats calculés sur votre fichier").wait_for(timeout=300_000)
    wait_until_idle(page)
    seen = watcher.stop()
    assert watcher.samples > 100  # the watcher ran throughout the upload
    assert seen == set(), f"the server wrote the upload to disk: {sorted(seen)}"
    assert os.listdir(spool) == []
    assert page.get_by_text("Toutes les pages affichent maintenant les résultats de ce fichier").is_visible()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / "donnees_televersement.png", full_page=True)
    # back to the territory's data at once: the uploader does not bring the file back
    page.get_by_role("button", name="Revenir aux données du territoire").click()
    page.get_by_text("Données de démonstration — synthétiques, ne pas citer : enquête").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert not page.get_by_text("Résultats calculés sur votre fichier").count()
    page.context.close()


def test_markdown_file_name_is_text_and_fetches_nothing(watched):
    url, _pid, spool, browser = watched
    visit = open_page(browser, f"{url}/donnees")
    page = visit.page
    name = "![pixel](pixel.png) [lien](javascript:alert(1)) _x_.csv"
    _upload(page, name, b"respondent_id;wave;commune\nA1;2024;99999\n")
    page.get_by_text("Fichier non valide").first.wait_for(timeout=120_000)
    wait_until_idle(page)
    assert page.get_by_text(f"Fichier non valide : {name}", exact=False).count() == 1
    assert not [r for r in visit.requests if "pixel.png" in r]
    assert not page.locator('[data-testid="stAlert"] img, [data-testid="stAlert"] a').count()
    assert os.listdir(spool) == []
    page.context.close()

"""What the app's first page and the public site's pages transfer, without and with the shipped
compressing reverse proxy (deploy/nginx.conf), and their EcoIndex.

    .venv/bin/python benchmarks/bench_transfer.py

Needs Chromium (`make browser`) and Debian's nginx with its brotli modules
(`apt install nginx libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static`); the tests
never need nginx. The app is started fresh (`observatoire serve`) and the demo site built in a
temporary folder; nginx runs deploy/nginx.conf itself, with only its ports, upstream and site
folder replaced. The first page (/accueil) is opened in a fresh browser directly and through
nginx (Chromium asks for gzip over plain HTTP); every URL it fetched is then asked for again,
uncompressed, with gzip and with brotli (what browsers ask for over HTTPS). Sizes are bytes
received (headers and encoded bodies; the websocket's frames are counted apart).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_harness import CHROMIUM, chromium, open_page, served  # noqa: E402
from observatoire.site.budget import ecoindex, grade  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MODULES = Path("/usr/lib/nginx/modules")
CONFIG = ROOT / "deploy" / "nginx.conf"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_config(folder: Path, app_port: int, app_proxy: int, site_proxy: int, site: Path) -> Path:
    """deploy/nginx.conf with this run's ports and site folder, in a main file of its own."""
    shipped = CONFIG.read_text(encoding="utf-8")
    ports = iter((app_proxy, site_proxy))
    shipped = re.sub(r"listen 80;", lambda _: f"listen 127.0.0.1:{next(ports)};", shipped)
    shipped = shipped.replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};")
    shipped = shipped.replace("root /srv/observatoire/site;", f"root {site};")
    (folder / "observatoire.conf").write_text(shipped, encoding="utf-8")
    modules = "".join(f"load_module {MODULES / name};\n" for name in
                      ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so"))
    main = folder / "nginx.conf"
    main.write_text(
        f"{modules}pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\ndaemon off;\n"
        "events {}\nhttp {\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;\n"
        f"  include {folder}/observatoire.conf;\n}}\n",
        encoding="utf-8",
    )
    return main


@contextlib.contextmanager
def nginx(main: Path, port: int):
    subprocess.run([NGINX, "-t", "-q", "-c", str(main)], check=True)
    process = subprocess.Popen([NGINX, "-c", str(main)])
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetched_bytes(url: str, encoding: str) -> int:
    """Bytes of the response as sent with `Accept-Encoding: encoding` (body as encoded, plus headers)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:  # Streamlit's client probes <page>/_stcore/health: 404s count too
        response = error
    with response:
        body = response.read()
        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items()) + 17
    return len(body) + headers


def encoded(url: str, encoding: str) -> str | None:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("Content-Encoding")


def first_page(browser, base: str) -> dict:
    visit = open_page(browser, f"{base}/accueil")
    dom = visit.page.evaluate("() => document.getElementsByTagName('*').length")
    urls = [u for u in visit.requests if u.startswith(base) and not u.endswith("/_stcore/stream")]
    visit.page.context.close()
    return {"requests": len(visit.requests), "bytes": visit.transferred, "ws": visit.ws_received, "dom": dom, "urls": urls}


def row(label: str, requests: int, size: int, dom: int, ws: int | None = None) -> str:
    score = ecoindex(dom, requests, size / 1024)
    websocket = f"{ws / 1024:>8.0f}" if ws is not None else f"{'':>8}"
    return f"{label:<40}{requests:>9}{size / 1024:>10.0f}{websocket}{dom:>7}{score:>7.0f} {grade(score)}"


def main() -> None:
    if not CHROMIUM.exists() or not Path(NGINX).exists():
        print("needs Chromium (make browser) and nginx (apt install nginx libnginx-mod-http-brotli-filter "
              "libnginx-mod-http-brotli-static)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)  # nginx's workers (user nobody) read the site from here
        site = folder / "site"
        subprocess.run([sys.executable, "-m", "observatoire", "site", "--out", str(site)], cwd=ROOT, check=True,
                       capture_output=True)
        app_proxy, site_proxy = free_port(), free_port()
        with served(folder / "server.log") as server, chromium() as browser:
            app_port = int(server.url.rsplit(":", 1)[1])
            main_config = nginx_config(folder, app_port, app_proxy, site_proxy, site)
            with nginx(main_config, app_proxy) as proxied:
                assert encoded(f"{proxied}/accueil", "br") == "br", "brotli is not served: nginx lacks its module"
                direct = first_page(browser, server.url)
                gzipped = first_page(browser, proxied)
                urls = [url.replace(server.url, proxied, 1) for url in direct["urls"]]
                again = {enc: sum(fetched_bytes(url, enc) for url in urls) for enc in ("identity", "gzip", "br")}
                print("The app's first page (/accueil, first visit, fresh browser cache):")
                print(f"{'':<40}{'requests':>9}{'HTTP kB':>10}{'WS kB':>8}{'DOM':>7}{'EcoIndex':>9}")
                print(row("Chromium, direct (Streamlit alone)", direct["requests"], direct["bytes"], direct["dom"],
                          direct["ws"]))
                print(row("Chromium, through nginx (gzip)", gzipped["requests"], gzipped["bytes"], gzipped["dom"],
                          gzipped["ws"]))
                for label, encoding in (("same URLs again, uncompressed", "identity"), ("same URLs again, gzip", "gzip"),
                                        ("same URLs again, brotli (HTTPS)", "br")):
                    print(row(label, len(urls), again[encoding], direct["dom"]))
                print("\nThe public site (observatoire site), each page alone:")
                print(f"{'page':<40}{'bytes':>9}{'gzip':>8}{'brotli':>8}")
                for page in sorted(site.glob("*.html")):
                    url = f"http://127.0.0.1:{site_proxy}/{page.name}"
                    sizes = [fetched_bytes(url, enc) for enc in ("identity", "gzip", "br")]
                    print(f"{page.name:<40}{sizes[0]:>9}{sizes[1]:>8}{sizes[2]:>8}")
    print("HTTP kB: bytes received over HTTP (headers + encoded bodies); WS kB: the websocket's frames (the page's "
          "elements and data). EcoIndex from DOM elements, requests and HTTP kB (observatoire.site.budget).")


if __name__ == "__main__":
    main()

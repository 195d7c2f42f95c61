"""Each page's weight on a phone (#17): bytes over the network at 360 x 740, first load and
cached (a second visit in the same browser), as #4 measured the visit page.

    .venv/bin/python bench/page_weight.py [--port 8131]

Runs on a database of its own (var/bench-page-weight.sqlite3): migrate, the demo, Django's
development server (static files served by Django, as ``make run`` does),
then Chromium (Debian's, headless) logs in as the demo's coordinator, leader and reporter and
opens their main pages twice. Prints one line per page: first load and cached, in KB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8131)
    args = parser.parse_args()
    db = ROOT / "var" / "bench-page-weight.sqlite3"
    db.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    os.environ.update(env)
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [py, "manage.py", "demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    server = subprocess.Popen(
        [py, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(args.port)
        measure(f"http://127.0.0.1:{args.port}")
    finally:
        server.terminate()
        server.wait(10)
        db.unlink(missing_ok=True)


def _wait_for(port: int, seconds: float = 60) -> None:
    import socket

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise SystemExit(f"the server did not start on port {port}")


def measure(base: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uptake.settings")
    django.setup()
    from playwright.sync_api import sync_playwright

    from uptake.browser import ARGS, CHROMIUM, log_in
    from uptake.campaigns.management.commands.demo import PASSWORD, SLUG

    pages = {
        "vhtt": ["status/", "dashboard/", "compilations/", "quality/"],
        "lanhdao": ["status/", "dashboard/"],
        "ttt": ["report/", "send/"],
    }
    print(f"{'user':<8} {'page':<16} {'first KB':>9} {'cached KB':>10}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for user, paths in pages.items():
            context = browser.new_context(viewport={"width": 360, "height": 740})
            page = context.new_page()
            log_in(page, base, user, PASSWORD)
            for path in paths:
                weights = []
                for _visit in ("first", "cached"):
                    sizes: list[int] = []

                    def count(response, sizes=sizes):
                        sizes.append(_size(response))

                    page.on("response", count)
                    page.goto(f"{base}/c/{SLUG}/{path}")
                    page.wait_for_load_state("networkidle")
                    page.remove_listener("response", count)
                    weights.append(sum(sizes) / 1024)
                print(f"{user:<8} {path:<16} {weights[0]:>9.1f} {weights[1]:>10.1f}")
            context.close()
        browser.close()


def _size(response) -> int:
    """Bytes that came over the network for ``response``: 0 when served from the cache."""
    if response.from_service_worker or getattr(response, "from_cache", False):
        return 0
    try:
        sizes = response.request.sizes()
    except Exception:
        return 0
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


if __name__ == "__main__":
    main()

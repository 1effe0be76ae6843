"""Page weight: the tenant overview cold in headless Chromium, served the production way
(gunicorn, 4 workers, WhiteNoise with the collected, compressed, hashed static files).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash \
        python bench/bench_pages.py [--runs 5]

Uses the data bench_dashboards.py builds. Each cold load is a fresh browser context
(empty cache). Measured: navigation start to the load event (every script run, the
charts drawn), and the bytes on the wire. Also checked: plotly.min.js is compressed
and cached as immutable, and pages without charts do not load it.
Target: cold tenant overview < 1 s (median of the runs).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Server, log, result, session_cookie

CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  return {load: nav.loadEventEnd, bytes: nav.transferSize
          + res.reduce((a, r) => a + r.transferSize, 0),
          plotly: res.filter(r => r.name.includes('plotly')).length};
}"""


def page_load(browser, base: str, cookie, path: str, *, warm: bool = False) -> dict:
    context = browser.new_context()
    context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base}])
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    if warm:  # the same page again, from the browser's cache
        page.goto(base + path, wait_until="load")
    figures = page.evaluate(TIMING)
    context.close()
    return figures


def plotly_headers(base: str, cookie) -> dict:
    html = requests.get(base + "/tenants/huge/", cookies=dict([cookie]), timeout=30).text
    src = re.search(r'src="([^"]*plotly[^"]*\.js)"', html).group(1)
    sizes = {}
    for encoding in ("br", "gzip", "identity"):
        response = requests.get(base + src, headers={"Accept-Encoding": encoding}, timeout=30,
                                stream=True)
        raw = response.raw.read(decode_content=False)
        sizes[encoding] = (len(raw), response.headers.get("Content-Encoding", "identity"),
                           response.headers.get("Cache-Control", ""))
    return {"src": src, "sizes": sizes}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "READINESS_MANIFEST_STATIC": "1", "DEBUG": "0"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    log(f"collectstatic (hash + gzip + brotli) took {time.perf_counter() - started:.0f}s")
    cookie = session_cookie(env, "bench-admin")
    with Server(env, workers=4) as server, sync_playwright() as p:
        headers = plotly_headers(server.url, cookie)
        for encoding, (size, used, cache) in headers["sizes"].items():
            log(f"{headers['src']} asked {encoding}: {size / 1e6:.2f} MB as {used}; {cache}")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        cases = [("tenant overview, enterprise", "/tenants/huge/"),
                 ("tenant overview, small", "/tenants/cust-0001/"),
                 ("portfolio", "/"), ("sender table, enterprise", "/tenants/huge/senders/")]
        for label, path in cases:
            runs = [page_load(browser, server.url, cookie, path) for _ in range(args.runs)]
            warm = page_load(browser, server.url, cookie, path, warm=True)
            loads = [r["load"] for r in runs]
            log(f"{label}: cold load {statistics.median(loads):.0f} ms median "
                f"(max {max(loads):.0f}), {runs[0]['bytes'] / 1e6:.2f} MB on the wire, "
                f"plotly loaded {runs[0]['plotly']}x; warm {warm['load']:.0f} ms, "
                f"{warm['bytes'] / 1e3:.0f} kB")
            target = 1000 if label.startswith("tenant overview") else None
            result(f"cold {label}: load event (median of {args.runs})",
                   statistics.median(loads), "ms", target=target, note=f"max {max(loads):.0f}")
            result(f"cold {label}: bytes on the wire", runs[0]["bytes"] / 1e6, "MB")
            if not label.startswith("tenant overview"):
                result(f"{label}: loads plotly", runs[0]["plotly"], "files", target=0)
        # Before issue 14, as a baseline in the same run: files straight from the finders,
        # uncompressed, cached 60 s.
        before = {**env, "READINESS_MANIFEST_STATIC": "0"}
        with Server(before, workers=4) as old:
            loads = [page_load(browser, old.url, cookie, "/tenants/huge/")["load"]
                     for _ in range(args.runs)]
            wire = page_load(browser, old.url, cookie, "/tenants/huge/")["bytes"]
        log(f"baseline (uncompressed static): cold enterprise overview "
            f"{statistics.median(loads):.0f} ms median, {wire / 1e6:.2f} MB on the wire")
        result("cold tenant overview, enterprise, uncompressed static (before): load event",
               statistics.median(loads), "ms", note=f"{wire / 1e6:.2f} MB on the wire")
        browser.close()
    gzip_size, used, cache = headers["sizes"]["gzip"]
    result("plotly.min.js served compressed (gzip)", gzip_size / 1e6, "MB", target=2,
           note=used)
    result("plotly.min.js cached immutable", 1 if "immutable" in cache else 0, "yes",
           target=1, op=">=", note=cache)


if __name__ == "__main__":
    main()

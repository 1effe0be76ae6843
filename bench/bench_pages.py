"""Page weight: the tenant overview cold in headless Chromium, served the production way
(gunicorn, 4 workers, WhiteNoise with the collected, compressed, hashed static files).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash \
        python bench/bench_pages.py [--runs 5]

Uses the data bench_dashboards.py builds. Each cold load is a fresh browser context
(empty cache). Measured: navigation start to the load event (every script run, the
charts drawn), and the bytes on the wire. Also checked: the Plotly bundle is compressed
and cached as immutable, and pages without charts do not load it.
Target: cold tenant overview < 1 s (median of the runs).
Baseline in the same run: the same overview with Plotly's full bundle (plotly.min.js,
4.8 MB, as shipped by the Python package and served until 2026-12-01) in place of the
vendored partial "cartesian" bundle, same server, same compression (plotly_full_settings.py).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
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


def collect(env: dict) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    log(f"collectstatic (hash + gzip + brotli) took {time.perf_counter() - started:.0f}s")


@contextmanager
def full_plotly_env(env: dict):
    """The baseline's environment: the full plotly.min.js under the partial bundle's name,
    collected into its own static root."""
    import plotly

    with tempfile.TemporaryDirectory(prefix="bench-plotly-full-") as tmp:
        vendor = Path(tmp) / "vendor"
        vendor.mkdir()
        full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        (vendor / "plotly-cartesian.min.js").symlink_to(full)
        before = {**env, "BENCH_FULL_PLOTLY_DIR": str(vendor),
                  "READINESS_STATIC_ROOT": str(Path(tmp) / "static"),
                  "DJANGO_SETTINGS_MODULE": "plotly_full_settings",
                  "PYTHONPATH": os.pathsep.join(filter(None, [
                      str(Path(__file__).resolve().parent), str(ROOT), env.get("PYTHONPATH")]))}
        collect(before)
        yield before


def compare_full_bundle(browser, new: str, old: str, cookie, runs: int) -> None:
    """The enterprise overview cold with the partial and with the full bundle, alternated
    so both see the same machine load."""
    loads: dict[str, list] = {"partial": [], "full": []}
    for _ in range(runs):
        for key, base in (("partial", new), ("full", old)):
            loads[key].append(page_load(browser, base, cookie, "/tenants/huge/"))
    partial, full = (statistics.median(r["load"] for r in loads[k]) for k in ("partial", "full"))
    wire = loads["full"][0]["bytes"] / 1e6
    log(f"enterprise overview cold, alternated: partial bundle {partial:.0f} ms, "
        f"full bundle {full:.0f} ms ({wire:.2f} MB on the wire)")
    result("cold tenant overview, enterprise, full Plotly bundle (before): load event",
           full, "ms", note=f"{wire:.2f} MB on the wire; alternated with the partial bundle")
    result("cold tenant overview, enterprise: partial / full bundle", partial / full, "x",
           note=f"{partial:.0f} vs {full:.0f} ms, medians of {runs} alternated loads")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "READINESS_MANIFEST_STATIC": "1", "DEBUG": "0"}
    collect(env)
    cookie = session_cookie(env, "bench-admin")
    with (full_plotly_env(env) as before, Server(env, workers=4) as server,
          Server(before, workers=4) as old, sync_playwright() as p):
        headers = plotly_headers(server.url, cookie)
        for encoding, (size, used, cache) in headers["sizes"].items():
            log(f"{headers['src']} asked {encoding}: {size / 1e6:.2f} MB as {used}; {cache}")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        compare_full_bundle(browser, server.url, old.url, cookie, args.runs)
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
        browser.close()
    gzip_size, used, cache = headers["sizes"]["gzip"]
    result("Plotly bundle served compressed (gzip)", gzip_size / 1e6, "MB", target=2,
           note=used)
    result("Plotly bundle cached immutable", 1 if "immutable" in cache else 0, "yes",
           target=1, op=">=", note=cache)


if __name__ == "__main__":
    main()

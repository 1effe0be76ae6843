"""Load: gunicorn with 4 workers on PostgreSQL, N concurrent users for S seconds, driven
from a separate process (this one; the server is a child process tree).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash \
        python bench/bench_load.py [--users 50] [--seconds 60] [--workers 4]

Uses the data bench_dashboards.py builds (run it first). Each simulated user is a thread
with its own logged-in session and keep-alive connection, looping over a realistic mix:
portfolio, enterprise overview, sender table (first, deep and filtered pages), a small
tenant. Between pages a user "reads" for --think seconds on average (uniform 0.5x..1.5x,
default 1 s, as a load tool's user does); --think 0 is a closed loop, the worst case.
Reports throughput, p50/p95/p99 and errors. Targets: p99 < 1 s, 0 errors.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, log, percentile, result, session_cookie

PAGES = [
    "/",
    "/tenants/huge/",
    "/tenants/huge/senders/?sort=-basic_30d",
    "/tenants/huge/senders/?sort=-basic_30d&page=37",
    "/tenants/huge/senders/?uses_basic=yes&sort=-basic_30d",
    "/tenants/huge/senders/?status=migrated&page=3",
    "/tenants/cust-0001/",
    "/?sort=-score&page=7",
]


def user(base: str, cookie: tuple[str, str], stop: float, index: int, out: list,
         errors: list, think: float) -> None:
    pause = random.Random(index)
    session = requests.Session()
    session.cookies.set(*cookie)
    n = index
    while time.perf_counter() < stop:
        url = base + PAGES[n % len(PAGES)]
        n += 1
        started = time.perf_counter()
        try:
            response = session.get(url, timeout=30, allow_redirects=False)
            ok = response.status_code == 200
        except requests.RequestException as exc:
            ok, response = False, exc
        elapsed = time.perf_counter() - started
        out.append(elapsed)
        if not ok:
            errors.append(f"{url}: {getattr(response, 'status_code', response)}")
        if think:
            time.sleep(min(pause.uniform(0.5 * think, 1.5 * think),
                           max(0.0, stop - time.perf_counter())))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between pages")
    args = parser.parse_args()
    env = dict(os.environ)
    cookie = session_cookie(env, "bench-admin")
    with Server(env, workers=args.workers) as server:
        for page in PAGES:  # warm every worker's caches a little
            requests.get(server.url + page, cookies=dict([cookie]), timeout=60)
        log(f"{args.users} users for {args.seconds}s against {args.workers} gunicorn workers")
        samples: list[float] = []
        errors: list[str] = []
        stop = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=user, args=(
            server.url, cookie, stop, i, samples, errors, args.think)) for i in range(args.users)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - started
    ms = [s * 1000 for s in samples]
    log(f"{len(samples):,} requests in {took:.0f}s: {len(samples) / took:.1f} req/s, "
        f"p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, "
        f"p99 {percentile(ms, 99):.0f} ms, {len(errors)} errors")
    for error in errors[:10]:
        print("  error:", error)
    label = (f"load {args.users} users {args.seconds}s, {args.workers} workers, "
             f"think {args.think:g}s")
    result(f"{label}: throughput", len(samples) / took, "req/s")
    result(f"{label}: p99", percentile(ms, 99), "ms", target=1000)
    result(f"{label}: errors", len(errors), "errors", target=0)


if __name__ == "__main__":
    main()

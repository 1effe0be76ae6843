"""Run every benchmark in turn and judge the targets of issue 14.

    make bench         # the full profiles (~25 min on a 2-core machine)
    make bench-quick   # small profiles, < 3 min: ratios and query counts only

Each benchmark runs in its own process against its own PostgreSQL database (created
when missing; prefix BENCH_DB_PREFIX, default "bench_") and prints `RESULT {json}` lines.
This prints PASS/FAIL per target and writes bench/results.json. Absolute figures move
with the machine's load; every time target is also reported as a ratio to a baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import database  # noqa: E402

PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench_")
FULL = [
    ("bench_import.py", "import", []),
    ("bench_ingest.py", "ingest", []),
    ("bench_snapshot.py", "snapshot", []),
    ("bench_dashboards.py", "dash", ["--runs", "30"]),
    ("bench_load.py", "dash", ["--users", "50", "--seconds", "60"]),
    ("bench_pages.py", "dash", []),
]
QUICK = [
    ("bench_import.py", "import", ["--rows", "50000", "--no-floor"]),
    ("bench_ingest.py", "ingest", ["--quick"]),
    ("bench_snapshot.py", "snapshot", ["--quick"]),
    ("bench_dashboards.py", "dashquick", ["--quick", "--runs", "10"]),
    ("bench_load.py", "dashquick", ["--users", "10", "--seconds", "10"]),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="comma-separated script names to run")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    if args.only:
        plan = [step for step in plan if step[0] in args.only.split(",")]
    results, started, crashed = [], time.perf_counter(), []
    for script, db, extra in plan:
        # Plain HTTP on localhost: the lab opt-out of the HTTPS-only production defaults.
        env = {**os.environ, "DATABASE_URL": database(PREFIX + db), "INSECURE_HTTP": "1",
               "READINESS_DATA_DIR": os.environ.get("READINESS_DATA_DIR", "/tmp/bench-data")}
        print(f"\n=== {script} {' '.join(extra)} ===", flush=True)
        proc = subprocess.Popen([sys.executable, str(HERE / script), *extra], env=env,
                                stdout=subprocess.PIPE, text=True)
        for line in proc.stdout:
            if line.startswith("RESULT "):
                row = json.loads(line[7:])
                results.append({**row, "bench": script})
            print(line, end="", flush=True)
        if proc.wait() != 0:
            crashed.append(script)
    elapsed = time.perf_counter() - started
    judged = _print(results, crashed, elapsed)
    out = HERE / ("results-quick.json" if args.quick else "results.json")
    if args.only and out.exists():  # a partial re-run replaces only its benchmarks' rows
        rerun = {script for script, _, _ in plan}
        earlier = json.loads(out.read_text())["results"]
        results = [r for r in earlier if r["bench"] not in rerun] + results
    out.write_text(json.dumps({
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "load_average": os.getloadavg(), "seconds": round(elapsed), "crashed": crashed,
        "results": results}, indent=2) + "\n")
    print(f"written {out}")
    return 1 if crashed or not judged else 0


def _print(results: list[dict], crashed: list[str], elapsed: float) -> bool:
    print(f"\n{'target':62} {'value':>14}  {'target':>14}  verdict")
    all_passed = True
    for row in results:
        if row["target"] is None:
            continue
        verdict = "PASS" if row["pass"] else "FAIL"
        all_passed &= bool(row["pass"])
        print(f"{row['name'][:62]:62} {row['value']:>12,.2f} {row['unit'][:2]:2} "
              f"{row['op']} {row['target']:>10,.2f}  {verdict}")
    for script in crashed:
        print(f"{script:62} {'crashed':>14}  {'':>14}  FAIL")
    print(f"\n{'all targets met' if all_passed and not crashed else 'targets missed'} "
          f"({elapsed / 60:.1f} min)")
    return all_passed


if __name__ == "__main__":
    sys.exit(main())

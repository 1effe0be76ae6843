"""Run every benchmark in turn (`make bench`). Each prints its own figures as ratios to a
baseline measured in the same run. The database benchmarks need PostgreSQL: DATABASE_URL
names a database per benchmark (created when missing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BENCHES = [
    ("bench_parse.py", None, []),
    ("bench_import.py", "benchimport", []),
    ("bench_dashboards.py", "benchdash", ["--runs", "30"]),
]


def database(name: str) -> str:
    # createdb fails harmlessly when the database exists.
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                   capture_output=True, check=False)
    return f"{PG}/{name}"


def main() -> int:
    failed = 0
    for script, db, args in BENCHES:
        env = dict(os.environ)
        if db:
            env["DATABASE_URL"] = database(db)
        print(f"\n=== {script} ===", flush=True)
        result = subprocess.run([sys.executable, str(HERE / script), *args], env=env,
                                check=False)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

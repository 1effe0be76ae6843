"""The report import end to end, as a user runs it: `manage.py import_smtp_report` in
its own process (parse, SHA-256 and private copy, staging COPY, the one-transaction
merge, facts, sender first/last seen, then the follow-up: workflow pass and rollups).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \
        python bench/bench_import.py [--profiles simple,highcard] [--rows 1000000]

Profiles (bench/profiles.py): `simple` (6 senders, few client IPs) and `highcard`
(3,000 senders, up to 300 client IPs each, 4 TLS versions, 90 days).

Baseline, measured in the same run on the same file: csv.reader over the UTF-16 text
plus ONE COPY of every row into an unindexed table, in a fresh process. Targets: the
import <= 3x the baseline's time, >= 100,000 rows/s, peak RSS < 250 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ROOT, log, result, timed_command  # noqa: E402

PY = sys.executable


def child_baseline(path: str) -> None:
    """csv parse + one COPY, the least any importer must do. Prints rows."""
    import csv

    import psycopg

    url = os.environ["DATABASE_URL"]
    rows = 0
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_baseline")
        cur.execute("CREATE TABLE bench_baseline (day text, sender text, domain text, "
                    "auth text, ip text, tls text, cipher text, count int, message_id text)")
        with open(path, encoding="utf-16", newline="") as f, \
                cur.copy("COPY bench_baseline FROM STDIN") as copy:
            reader = csv.reader(f)
            next(reader)
            batch = []
            for row in reader:
                batch.append("\t".join(row) + "\n")
                if len(batch) == 10_000:
                    copy.write("".join(batch))
                    rows += len(batch)
                    batch.clear()
            copy.write("".join(batch))
            rows += len(batch)
        cur.execute("DROP TABLE bench_baseline")
    print(json.dumps({"rows": rows}))


def child_tenant() -> None:
    _django()
    from readiness.tenancy.models import Tenant

    tenant = Tenant.objects.create(name="bench import", slug=f"bench-{uuid.uuid4().hex[:8]}")
    print(json.dumps({"slug": tenant.slug}))


def child_cleanup(slug: str) -> None:
    """Remove the bench tenant (its million messages by a raw DELETE), then VACUUM so
    the next run meets no dead tuples."""
    _django()
    from django.db import connection

    from readiness.imports.models import ReportImport
    from readiness.imports.storage import file_discard
    from readiness.tenancy.models import Tenant

    tenant = Tenant.objects.get(slug=slug)
    for report in ReportImport.objects.filter(tenant=tenant):
        file_discard(report.stored_path)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM imports_reportmessage WHERE tenant_id = %s", [tenant.pk])
        for table in ("usage_dailyusage", "usage_clientobservation"):
            cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [tenant.pk])
    tenant.delete()
    with connection.cursor() as cursor:
        for table in ("imports_reportmessage", "usage_dailyusage", "usage_clientobservation"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(json.dumps({"deleted": slug}))


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")
    import django

    django.setup()


def child(mode: str, arg: str) -> None:
    {"baseline": child_baseline, "tenant": lambda _: child_tenant(),
     "cleanup": child_cleanup}[mode](arg)


def run_child(mode: str, arg: str = "") -> dict:
    out = timed_command([PY, __file__, "--child", mode, arg or "-"])
    return {**json.loads(out["stdout"].strip().splitlines()[-1]), **out}


def measure(profile: str, rows: int, folder: Path) -> list[dict]:
    from profiles import generate

    path = folder / f"SmtpCSReport_{profile}_{rows}.csv"
    if not path.exists():
        generate(path, rows, profile)
    log(f"{profile}: {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB")
    base = run_child("baseline", str(path))
    slug = run_child("tenant")["slug"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    mine = timed_command([PY, "manage.py", "import_smtp_report", str(path), "--tenant", slug],
                         env=env)
    run_child("cleanup", slug)
    ratio = mine["seconds"] / base["seconds"]
    log(f"{profile}: baseline csv+COPY {base['seconds']:.1f}s ({base['peak_mb']:.0f} MB); "
        f"import_smtp_report {mine['seconds']:.1f}s ({mine['peak_mb']:.0f} MB) = x{ratio:.2f}")
    return [
        result(f"import {profile} {rows:,}: time / csv+COPY baseline", ratio, "x", target=3),
        result(f"import {profile} {rows:,}: rows/s", rows / mine["seconds"], "rows/s",
               target=100_000, op=">="),
        result(f"import {profile} {rows:,}: peak RSS", mine["peak_mb"], "MB", target=250),
        result(f"import {profile} {rows:,}: seconds", mine["seconds"], "s",
               note=f"baseline {base['seconds']:.2f}s"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", default="simple,highcard")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="folder for the generated files (kept, reused)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Run with DATABASE_URL=postgres://... (the targets are for PostgreSQL).")
    timed_command([PY, "manage.py", "migrate", "-v0"])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for profile in args.profiles.split(","):
            measure(profile, args.rows, folder)
    log(f"import benchmark took {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()

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

The design floor, also measured in the same run (child_floor): the baseline's work plus
the two fact INSERT ... SELECT ... GROUP BY statements the issue prescribes and a dedupe
key per message, in their cheapest form. It is printed as a ratio to its own csv+COPY
part: when the floor alone is above 3x, no import that writes those facts and keys can
meet the 3x target on this machine.
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


def _copy_file(cur, path: str, table: str) -> int:
    """csv.reader over the UTF-16 text and ONE COPY of every row: the baseline's work."""
    import csv

    rows = 0
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(f"CREATE TABLE {table} (day text, sender text, domain text, "
                "auth text, ip text, tls text, cipher text, count int, message_id text)")
    with open(path, encoding="utf-16", newline="") as f, \
            cur.copy(f"COPY {table} FROM STDIN") as copy:
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
    return rows


def child_baseline(path: str) -> None:
    """csv parse + one COPY, the least any importer must do. Prints rows."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        rows = _copy_file(cur, path, "bench_baseline")
        cur.execute("DROP TABLE bench_baseline")
    print(json.dumps({"rows": rows}))


# The least any design must write after the copy, in the cheapest form found (bench/
# README.md, "The import, fourth round"): sender ids joined once into a TEMP table; the two
# fact statements the issue prescribes as plain INSERTs (no ON CONFLICT) into tables with
# only the unique key an upsert needs, hashed and then sorted; and the dedupe key the import
# must keep for every message (issue 4), here as a 64-bit hash, the smallest there is.
FLOOR_FACTS = (
    "CREATE TEMP TABLE bench_floor_rows AS SELECT s.id, left(r.day, 10)::date AS day, "
    "r.auth, r.ip, r.tls, r.count FROM bench_floor r JOIN bench_floor_snd s "
    "USING (sender, domain)",
    "CREATE TABLE bench_floor_usage (sender_id bigint, day date, auth text, "
    "messages bigint, UNIQUE (sender_id, day, auth))",
    "INSERT INTO bench_floor_usage SELECT * FROM (SELECT id, day, auth, SUM(count) "
    "FROM bench_floor_rows GROUP BY 1, 2, 3 OFFSET 0) facts ORDER BY 1, 2, 3",
    "CREATE TABLE bench_floor_obs (sender_id bigint, ip text, tls text, first_day date, "
    "last_day date, messages bigint, UNIQUE (sender_id, ip, tls))",
    "INSERT INTO bench_floor_obs SELECT * FROM (SELECT id, ip, tls, MIN(day), MAX(day), "
    "SUM(count) FROM bench_floor_rows GROUP BY 1, 2, 3 OFFSET 0) facts ORDER BY 1, 2, 3",
)
FLOOR_DEDUPE = (
    "CREATE TABLE bench_floor_msg (message_key bigint PRIMARY KEY)",
    "INSERT INTO bench_floor_msg SELECT DISTINCT hashtextextended(message_id, 0) "
    "FROM bench_floor ORDER BY 1",
)
FLOOR_TABLES = ("bench_floor, bench_floor_snd, bench_floor_rows, bench_floor_usage, "
                "bench_floor_obs, bench_floor_msg")


def child_floor(path: str) -> None:
    """The least the prescribed design can cost on this machine: the baseline's work,
    then daily usage and client observations as GROUP BY INSERTs from the staged rows
    (issue 14, "What to build" 1) and a dedupe key per message, each in its cheapest
    form. No checks, no senders, no rollups or workflow pass: the import does all of
    those too, so it cannot be faster than this. Prints the seconds of each part."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLES}")
        started = time.perf_counter()
        _copy_file(cur, path, "bench_floor")
        conn.commit()
        copied = time.perf_counter()
        # The planner's best chance: room to hash every group, and the day's statistics.
        cur.execute("SET work_mem = '256MB'")
        cur.execute("CREATE STATISTICS bench_floor_day ON ((left(day, 10)::date)) "
                    "FROM bench_floor")
        cur.execute("ANALYZE bench_floor")
        cur.execute("CREATE TABLE bench_floor_snd AS SELECT row_number() OVER () AS id, "
                    "sender, domain FROM (SELECT DISTINCT sender, domain FROM bench_floor) s")
        cur.execute("ANALYZE bench_floor_snd")
        for statement in FLOOR_FACTS:
            cur.execute(statement)
        conn.commit()
        facts = time.perf_counter()
        for statement in FLOOR_DEDUPE:
            cur.execute(statement)
        conn.commit()
        deduped = time.perf_counter()
        cur.execute(f"DROP TABLE {FLOOR_TABLES}")
    print(json.dumps({"copy": copied - started, "facts": facts - copied,
                      "dedupe": deduped - facts}))


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
    {"baseline": child_baseline, "floor": child_floor, "tenant": lambda _: child_tenant(),
     "cleanup": child_cleanup}[mode](arg)


def run_child(mode: str, arg: str = "") -> dict:
    out = timed_command([PY, __file__, "--child", mode, arg or "-"])
    return {**json.loads(out["stdout"].strip().splitlines()[-1]), **out}


def measure(profile: str, rows: int, folder: Path, *, floor: bool = True) -> list[dict]:
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
        *(_floor(profile, rows, path) if floor else []),
    ]


def _floor(profile: str, rows: int, path: Path) -> list[dict]:
    """How close to the baseline the prescribed design can get at all (not a target)."""
    floor = run_child("floor", str(path))
    floor_ratio = (floor["copy"] + floor["facts"] + floor["dedupe"]) / floor["copy"]
    log(f"{profile}: design floor: csv+COPY {floor['copy']:.1f}s + facts "
        f"{floor['facts']:.1f}s + message keys {floor['dedupe']:.1f}s = x{floor_ratio:.2f} "
        "its csv+COPY")
    return [
        result(f"import {profile} {rows:,}: design floor / its own csv+COPY", floor_ratio,
               "x", note=f"csv+COPY {floor['copy']:.2f}s, then the facts' GROUP BY "
               f"INSERTs {floor['facts']:.2f}s and the message keys "
               f"{floor['dedupe']:.2f}s (bench_import.child_floor)"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", default="simple,highcard")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="folder for the generated files (kept, reused)")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the design floor (make bench-quick: ratios only)")
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
            measure(profile, args.rows, folder, floor=not args.no_floor)
    log(f"import benchmark took {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()

"""Benchmark the importer end to end on a generated 1,000,000-row detailed report.

Usage:
    createdb -h 127.0.0.1 -U postgres benchimport   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benchimport \
        python bench/bench_import.py [--rows N] [--keep DIR]

Generates the same UTF-16 LE file as bench/bench_parse.py, migrates the database, then
measures, each in a fresh child process (peak RSS = the child's VmHWM):

* baseline: the parser alone (inspect_report + iter_report_rows), no database;
* import: services.report_import into a fresh tenant — sniff, SHA-256, private copy,
  the parse pass streaming into a COPY-fed staging table, then the one-transaction
  merge (INSERT ... SELECT ... ON CONFLICT DO NOTHING), the DailyUsage recompute,
  client observations and sender touch.

Targets: >= 50,000 rows/s and peak RSS < 250 MB. The bench tenant's rows are deleted
afterwards so the database does not grow from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import generate, vm_hwm_mb  # noqa: E402


def child_baseline(path: str) -> dict:
    from readiness.imports.parsing import inspect_report, iter_report_rows

    start, rows = time.perf_counter(), 0
    info = inspect_report(path)
    for _ in iter_report_rows(path, info):
        rows += 1
    return {"rows": rows, "seconds": time.perf_counter() - start, "peak_mb": vm_hwm_mb()}


def child_import(path: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")
    import django

    django.setup()
    from django.db import connection

    from readiness.imports import services
    from readiness.tenancy.models import Tenant

    tenant = Tenant.objects.create(name="bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    marks: dict[str, float] = {}

    def progress(done: int, total: int) -> None:
        if done >= total and "parsed" not in marks:
            marks["parsed"] = time.perf_counter()

    start = time.perf_counter()
    report = services.report_import(tenant=tenant, path=Path(path), progress=progress)
    elapsed = time.perf_counter() - start
    result = {"rows": report.rows, "seconds": elapsed, "peak_mb": vm_hwm_mb(),
              "parse_stage_seconds": marks["parsed"] - start, "vendor": connection.vendor,
              "new_messages": report.new_messages}
    _cleanup(tenant)
    return result


def _cleanup(tenant) -> None:
    """Remove the bench tenant: its million messages by a raw DELETE, the rest (senders,
    rollups, usage, audit events...) through the ORM's cascade."""
    from django.db import connection

    from readiness.imports.storage import file_discard
    from readiness.tenancy.models import Tenant

    for report in tenant_imports(tenant):
        file_discard(report.stored_path)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM imports_reportmessage WHERE tenant_id = %s", [tenant.pk])
    Tenant.objects.filter(pk=tenant.pk).delete()
    if connection.vendor == "postgresql":  # so the next run meets no dead tuples
        with connection.cursor() as cursor:
            for table in ("imports_reportmessage", "usage_dailyusage"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def tenant_imports(tenant):
    from readiness.imports.models import ReportImport

    return list(ReportImport.objects.filter(tenant=tenant))


def measure(mode: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="directory to write the file into (kept)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path = args.child
        print(json.dumps(child_baseline(path) if mode == "baseline" else child_import(path)))
        return
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, cwd=ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or tmp) / "SmtpCSReport_bench.csv"
        generate(path, args.rows)
        print(f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB")
        base = measure("baseline", path)
        mine = measure("import", path)
    report(base, mine, args.rows)


def report(base: dict, mine: dict, rows: int) -> None:
    assert base["rows"] == mine["rows"] == rows, (base, mine)
    for name, r in (("baseline: parser alone", base), (f"import into {mine['vendor']}", mine)):
        print(f"{name:26} {r['rows'] / r['seconds']:>9,.0f} rows/s  {r['seconds']:6.2f}s  "
              f"peak RSS {r['peak_mb']:6.1f} MB")
    merge = mine["seconds"] - mine["parse_stage_seconds"]
    print(f"  import phases: sha+copy+inspect+parse+COPY {mine['parse_stage_seconds']:.2f}s, "
          f"merge+recompute {merge:.2f}s; {mine['new_messages']:,} new messages")
    print(f"import throughput = {base['seconds'] / mine['seconds'] * 100:.0f}% of the parser "
          f"alone; targets: >= 50,000 rows/s, < 250 MB")


if __name__ == "__main__":
    main()

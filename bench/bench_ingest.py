"""Sign-in ingest: 1,000,000 Graph sign-in events through the product's own code path
(json.loads of each page, then signins_ingest's signin_pages_store: signin_parse and
signin_events_store, 5,000 events a transaction; then the signin_usage_recompute of the
days), against the baseline of json.loads of the same pages
plus ONE COPY of every event into an unindexed table. Each side runs in a fresh process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ingest \
        python bench/bench_ingest.py [--events 1000000] [--quick]

The pages are prepared as Graph serialises them (1,000 events a page, 5,000 users, 30
days, 5% failures) so the HTTP side is left out: Graph itself is the bottleneck (5
requests of 1,000 events per 10 s per tenant = 500 events/s). Targets: <= 2x the
baseline, and processing >= 2,000 events/s (4x Graph's ceiling).

The mailbox snapshot of 200,000 mailboxes is bench_snapshot.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, log, result, timed_command

PAGE = 1000
GRAPH_CEILING = 5 * 1000 / 10  # events per second per tenant


def pages_build(path: Path, events: int) -> None:
    rng = random.Random(14)
    now = datetime.now(tz=UTC)
    users = [f"device{n:05d}@contoso.example" for n in range(5000)]
    with open(path, "wb") as out:
        for page in _pages(rng, now, users, events):
            out.write(page + b"\n")  # one Graph page per line, read back one at a time


def _pages(rng, now, users, events):
    for start in range(0, events, PAGE):
        value = []
        for i in range(start, min(events, start + PAGE)):
            user = users[rng.randrange(len(users))]
            failed = rng.random() < 0.05
            created = now - timedelta(seconds=rng.randrange(30 * 86400))
            value.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "createdDateTime": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "userDisplayName": user.split("@")[0], "userPrincipalName": user,
                "userId": str(uuid.UUID(int=i)), "appDisplayName": "Office 365 Exchange Online",
                "ipAddress": f"203.0.113.{i % 250}", "clientAppUsed": "Authenticated SMTP",
                "status": {"errorCode": 50126 if failed else 0,
                           "failureReason": "Invalid username or password." if failed else "",
                           "additionalDetails": None},
                "location": {"city": "Praha", "countryOrRegion": "CZ"},
                "appliedConditionalAccessPolicies": []})
        yield json.dumps({"value": value}).encode()


def pages_read(path: str):
    with open(path, "rb") as f:
        yield from f


def child_baseline(path: str) -> dict:
    import psycopg

    rows = 0
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_signins")
        cur.execute("CREATE TABLE bench_signins (id text, created timestamptz, upn text, "
                    "name text, user_id text, ip text, app text, code int, reason text)")
        with cur.copy("COPY bench_signins FROM STDIN") as copy:
            for page in pages_read(path):
                lines = []
                for r in json.loads(page)["value"]:
                    s = r["status"]
                    lines.append(f"{r['id']}\t{r['createdDateTime']}\t{r['userPrincipalName']}"
                                 f"\t{r['userDisplayName']}\t{r['userId']}\t{r['ipAddress']}\t"
                                 f"{r['clientAppUsed']}\t{s['errorCode']}\t"
                                 f"{s['failureReason']}\n")
                copy.write("".join(lines))
                rows += len(lines)
        cur.execute("DROP TABLE bench_signins")
    return {"events": rows}


def child_ingest(path: str) -> dict:
    """What signins_ingest does with the pages it reads (signin_pages_store: parse, then
    store STORE_BATCH events a transaction), then its final transaction."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")
    import django

    django.setup()
    from django.db import transaction

    from readiness.connectors.services import signin_pages_store
    from readiness.tenancy.models import Tenant
    from readiness.usage.services import signin_usage_recompute

    tenant = Tenant.objects.create(name="bench ingest", slug=f"ingest-{uuid.uuid4().hex[:8]}")
    read, _, days = signin_pages_store(tenant=tenant, pages=(
        json.loads(page)["value"] for page in pages_read(path)))
    with transaction.atomic():
        signin_usage_recompute(tenant=tenant, days=days)
    return {"events": read, "slug": tenant.slug}


def child_cleanup(slug: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")
    import django

    django.setup()
    from django.db import connection

    from readiness.tenancy.models import Tenant

    tenant = Tenant.objects.get(slug=slug)
    with connection.cursor() as cursor:
        for table in ("usage_signinevent", "usage_dailyusage"):
            cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [tenant.pk])
    tenant.delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE usage_signinevent")
    return {}


def run_child(mode: str, arg: str) -> dict:
    out = timed_command([sys.executable, __file__, "--child", mode, arg])
    return {**json.loads(out["stdout"].strip().splitlines()[-1]), **out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 events")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, arg = args.child
        fn = {"baseline": child_baseline, "ingest": child_ingest, "cleanup": child_cleanup}
        print(json.dumps(fn[mode](arg)))
        return
    events = 50_000 if args.quick else args.events
    timed_command([sys.executable, "manage.py", "migrate", "-v0"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pages.jsonl"
        pages_build(path, events)
        log(f"{events:,} sign-in events in {events // PAGE:,} Graph pages")
        base = run_child("baseline", str(path))
        mine = run_child("ingest", str(path))
    run_child("cleanup", mine["slug"])
    ratio = mine["seconds"] / base["seconds"]
    rate = events / mine["seconds"]
    log(f"baseline json.loads+COPY {base['seconds']:.1f}s ({base['peak_mb']:.0f} MB); "
        f"ingest {mine['seconds']:.1f}s ({mine['peak_mb']:.0f} MB) = x{ratio:.2f}; "
        f"{rate:,.0f} events/s = {rate / GRAPH_CEILING:.1f}x Graph's ceiling")
    result(f"sign-in ingest {events:,}: time / json+COPY baseline", ratio, "x", target=2)
    result(f"sign-in ingest {events:,}: events/s / Graph ceiling", rate / GRAPH_CEILING, "x",
           target=4, op=">=")
    result(f"sign-in ingest {events:,}: peak RSS", mine["peak_mb"], "MB")


if __name__ == "__main__":
    main()

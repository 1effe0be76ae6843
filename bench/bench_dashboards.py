"""Dashboard speed on PostgreSQL, reported as p50/p95 and as ratios to baselines measured
in the same run (never asserted in timed tests).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benchdash \
        /work/main/.venv/bin/python bench/bench_dashboards.py [--rebuild] [--runs 30]

Data: 1,000 small tenants (portfolio) and one big tenant with 50,000 senders, 50,000
mailboxes and 2,000,000 DailyUsage rows (loaded with COPY). Baselines: the same pages on
a small tenant / a 10-tenant portfolio, the login page, and a bare `SELECT 1`.
Targets: portfolio p95 < 300 ms, big tenant overview < 300 ms, sender table sorted by
volume < 200 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from readiness.connectors.models import TenantConnection  # noqa: E402
from readiness.ingestion.models import IngestSchedule  # noqa: E402
from readiness.inventory.models import Mailbox  # noqa: E402
from readiness.senders.models import Sender  # noqa: E402
from readiness.tenancy.models import Membership, Tenant  # noqa: E402
from readiness.usage.models import ClientObservation, DailyUsage  # noqa: E402
from readiness.usage.rollups import usage_rollups_refresh  # noqa: E402

BIG_SENDERS = 50_000
BIG_DAYS = 90
PORTFOLIO_TENANTS = 1_000
STATES = ["basic_possible", "oauth_only", "smtp_auth_off", "unknown"]
STATUSES = ["new", "triaged", "in_progress", "migrated", "verified"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def build_small_tenants(today) -> None:
    """1,000 tenants with 3 senders, 10 mailboxes and 14 days of usage each."""
    tenants = Tenant.objects.bulk_create(
        [Tenant(name=f"Customer {i:04d}", slug=f"cust-{i:04d}") for i in range(PORTFOLIO_TENANTS)])
    TenantConnection.objects.bulk_create(
        [TenantConnection(tenant=t, health=["ok", "degraded", "never"][i % 3])
         for i, t in enumerate(tenants)])
    IngestSchedule.objects.bulk_create(
        [IngestSchedule(tenant=t, source="signins", last_success_at=timezone.now())
         for t in tenants])
    Mailbox.objects.bulk_create(
        [Mailbox(tenant=t, address=f"m{j}@{t.slug}.example", effective_state=STATES[j % 4])
         for t in tenants for j in range(10)], batch_size=5000)
    senders = Sender.objects.bulk_create(
        [Sender(tenant=t, address=f"s{j}@{t.slug}.example", status=STATUSES[j])
         for t in tenants for j in range(3)], batch_size=5000)
    DailyUsage.objects.bulk_create(
        [DailyUsage(tenant_id=s.tenant_id, sender=s, day=today - timedelta(days=d),
                    auth_method="basic" if (s.pk + d) % 3 else "oauth", source="signins",
                    messages=5, signins=1)
         for s in senders for d in range(14)], batch_size=10000)
    for tenant in tenants:
        usage_rollups_refresh(tenant=tenant, days=20, today=today)


def build_big_tenant(today) -> Tenant:
    tenant = Tenant.objects.create(name="Huge Holding", slug="huge")
    TenantConnection.objects.create(tenant=tenant, health="ok")
    mailboxes = Mailbox.objects.bulk_create(
        [Mailbox(tenant=tenant, address=f"dev{i}@huge.example", effective_state=STATES[i % 4])
         for i in range(BIG_SENDERS)], batch_size=10000)
    senders = Sender.objects.bulk_create(
        [Sender(tenant=tenant, address=f"dev{i}@huge.example", mailbox=m,
                display_name=f"Device {i}", status=STATUSES[i % 5], device_type="printer")
         for i, m in enumerate(mailboxes)], batch_size=10000)
    ClientObservation.objects.bulk_create(
        [ClientObservation(tenant=tenant, sender=s, source="detailed_report",
                           client_ip=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                           tls_version="TLS1_0" if i % 7 == 0 else "TLS1_2",
                           first_day=today - timedelta(days=89), last_day=today, messages=10)
         for i, s in enumerate(senders)], batch_size=10000)
    log("big tenant: senders, mailboxes, observations done; COPY usage")
    _copy_usage(tenant, [s.pk for s in senders], today)
    return tenant


def _copy_usage(tenant: Tenant, sender_ids: list[int], today) -> None:
    """~2,000,000 rows: each sender active 4 days in 9; Basic until its migration day."""
    table = DailyUsage._meta.db_table
    columns = "tenant_id, sender_id, day, auth_method, source, messages, signins, failed_signins"
    rows = 0
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for index, sender_id in enumerate(sender_ids):
            migrate_on = 30 + index % 120  # some never migrate inside the window
            for d in range(BIG_DAYS):
                if (d + index) % 9 >= 4:
                    continue
                day = today - timedelta(days=BIG_DAYS - 1 - d)
                method = "oauth" if d >= migrate_on else "basic"
                buffer.write(f"{tenant.pk}\t{sender_id}\t{day}\t{method}\tdetailed_report\t"
                             f"{1 + index % 50}\t{1 if method == 'basic' else 0}\t0\n")
                rows += 1
            if index % 2000 == 1999:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    log(f"copied {rows:,} usage rows")


def ensure_data(rebuild: bool):
    today = timezone.now().date()
    call_command("migrate", verbosity=0)
    if rebuild or not Tenant.objects.filter(slug="huge").exists():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE tenancy_tenant CASCADE")
        log("building 1,000 small tenants")
        build_small_tenants(today)
        log("building the big tenant")
        big = build_big_tenant(today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log("refreshing the big tenant's rollups")
        started = time.perf_counter()
        usage_rollups_refresh(tenant=big, days=BIG_DAYS + 7, today=today)
        log(f"big tenant rollup refresh took {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        usage_rollups_refresh(tenant=big, days=2, today=today)
        log(f"incremental (2-day) refresh took {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"DailyUsage rows: {DailyUsage.objects.count():,}")
    return Tenant.objects.get(slug="huge"), Tenant.objects.get(slug="cust-0000")


def users(small_tenants):
    model = get_user_model()
    admin, _ = model.objects.get_or_create(username="bench-admin",
                                           defaults={"is_superuser": True, "is_staff": True})
    member, created = model.objects.get_or_create(username="bench-member")
    if created:
        Membership.objects.bulk_create([Membership(user=member, tenant=t, role="viewer")
                                        for t in small_tenants])
    return admin, member


def timed(client: Client, url: str, runs: int) -> list[float]:
    client.get(url)  # warm caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def select_one(runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run with DATABASE_URL=postgres://... (the targets are for PostgreSQL).")
    big, small = ensure_data(args.rebuild)
    admin, member = users(Tenant.objects.filter(slug__startswith="cust-")[:10])
    admin_client, member_client = Client(), Client()
    admin_client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    member_client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    cases = [
        ("SELECT 1", None, None, None),
        ("login page (no DB)", admin_client, "/accounts/login/", None),
        ("portfolio, 10 tenants (baseline)", member_client, "/", None),
        ("portfolio, 1,000 tenants", admin_client, "/", 300),
        ("portfolio, 1,000 tenants, by score", admin_client, "/?sort=-score", 300),
        ("overview, small tenant (baseline)", admin_client, f"/tenants/{small.slug}/", None),
        ("overview, 50k senders / 2M rows", admin_client, f"/tenants/{big.slug}/", 300),
        ("senders, small tenant (baseline)", admin_client, f"/tenants/{small.slug}/senders/",
         None),
        ("senders, 50k, by Basic volume", admin_client,
         f"/tenants/{big.slug}/senders/?sort=-basic_30d", 200),
        ("senders, 50k, by volume, page 40", admin_client,
         f"/tenants/{big.slug}/senders/?sort=-basic_30d&page=40", 200),
        ("senders, 50k, filtered uses_basic=yes", admin_client,
         f"/tenants/{big.slug}/senders/?uses_basic=yes&sort=-basic_30d", 200),
        ("API senders, 50k, by default order", admin_client,
         f"/api/v1/tenants/{big.slug}/senders/?limit=50", None),
    ]
    results = {}
    print(f"\n{'case':45} {'p50 ms':>8} {'p95 ms':>8}  target")
    for label, client, url, target in cases:
        samples = select_one(args.runs) if client is None else timed(client, url, args.runs)
        results[label] = (p(samples, 50), p(samples, 95))
        verdict = "" if target is None else (
            f"< {target}: {'met' if results[label][1] < target else 'MISSED'}")
        print(f"{label:45} {results[label][0]:8.1f} {results[label][1]:8.1f}  {verdict}")
    ratios = [("portfolio, 1,000 tenants", "portfolio, 10 tenants (baseline)"),
              ("overview, 50k senders / 2M rows", "overview, small tenant (baseline)"),
              ("senders, 50k, by Basic volume", "senders, small tenant (baseline)")]
    print("\nratios (p95 / p95 of the same page on small data, and / login page):")
    for big_case, base in ratios:
        print(f"  {big_case:43} x{results[big_case][1] / results[base][1]:.2f}  "
              f"x{results[big_case][1] / results['login page (no DB)'][1]:.2f} of login")


if __name__ == "__main__":
    main()

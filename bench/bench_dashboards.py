"""Dashboard speed on PostgreSQL, reported as p50/p95 and as ratios to baselines measured
in the same run (never asserted in timed tests).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash \
        python bench/bench_dashboards.py [--rebuild] [--runs 30] [--quick]

Data: 5,000 small tenants (portfolio) and one enterprise tenant with 50,000 senders,
50,000 mailboxes and 2,000,000 DailyUsage rows (loaded with COPY); --quick: 200 tenants
and 2,000 senders. Baselines: the same pages on a small tenant / a 10-tenant portfolio,
the login page, and a bare `SELECT 1`. Targets: portfolio p95 < 300 ms, enterprise
overview < 300 ms, sender table pages (first, deep, filtered) < 200 ms, and each page's
query count equal to the same page's on the small tenant.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")
os.environ.setdefault("INSECURE_HTTP", "1")  # the test client speaks plain HTTP

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from readiness.connectors.models import TenantConnection  # noqa: E402
from readiness.ingestion.models import IngestSchedule  # noqa: E402
from readiness.inventory.models import Mailbox  # noqa: E402
from readiness.senders.models import Sender  # noqa: E402
from readiness.tenancy.models import Membership, Tenant  # noqa: E402
from readiness.usage.models import ClientObservation, DailyUsage  # noqa: E402
from readiness.usage.rollups import usage_rollups_refresh  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentile, result  # noqa: E402

BIG_SENDERS = 50_000
BIG_DAYS = 90
PORTFOLIO_TENANTS = 5_000
STATES = ["basic_possible", "oauth_only", "smtp_auth_off", "unknown"]
STATUSES = ["new", "triaged", "in_progress", "migrated", "verified"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def quick_profile() -> None:
    global BIG_SENDERS, PORTFOLIO_TENANTS
    BIG_SENDERS, PORTFOLIO_TENANTS = 2_000, 200


def build_small_tenants(today) -> None:
    """PORTFOLIO_TENANTS tenants with 3 senders, 10 mailboxes and 14 days of usage each."""
    tenants = Tenant.objects.bulk_create(
        [Tenant(name=f"Customer {i:04d}", slug=f"cust-{i:04d}") for i in range(PORTFOLIO_TENANTS)])
    TenantConnection.objects.bulk_create(
        [TenantConnection(tenant=t, health=["ok", "degraded", "never"][i % 3])
         for i, t in enumerate(tenants)])
    IngestSchedule.objects.bulk_create(
        [IngestSchedule(tenant=t, source="signins", last_success_at=timezone.now())
         for t in tenants])
    mailboxes = Mailbox.objects.bulk_create(
        [Mailbox(tenant=t, address=f"m{j}@{t.slug}.example", effective_state=STATES[j % 4])
         for t in tenants for j in range(10)], batch_size=5000)
    # Each sender is linked to a mailbox (one of them blocked), as in any tenant whose
    # inventory was read: the small pages then take the same code paths as the big ones
    # (evidence, conflict list), so their query counts are a fair reference.
    senders = Sender.objects.bulk_create(
        [Sender(tenant=t, address=f"s{j}@{t.slug}.example", status=STATUSES[j],
                mailbox=mailboxes[i * 10 + j])
         for i, t in enumerate(tenants) for j in range(3)], batch_size=5000)
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
    built = Tenant.objects.filter(slug__startswith="cust-").count() == PORTFOLIO_TENANTS and (
        Sender.objects.filter(tenant__slug="huge").count() == BIG_SENDERS)
    if rebuild or not built:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE tenancy_tenant CASCADE")
        log(f"building {PORTFOLIO_TENANTS:,} small tenants")
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
    reference = Tenant.objects.get(slug="cust-0000")
    _reference_linked(reference, today)
    return Tenant.objects.get(slug="huge"), reference


def _reference_linked(tenant: Tenant, today) -> None:
    """Data built before the small tenants' senders were linked to mailboxes: link the
    reference tenant's (the query-count reference) and refresh its rollups."""
    unlinked = Sender.objects.filter(tenant=tenant, mailbox__isnull=True)
    if not unlinked.exists():
        return
    for sender in unlinked:
        number = sender.address.split("@")[0][1:]
        sender.mailbox = Mailbox.objects.get(tenant=tenant,
                                             address=f"m{number}@{tenant.slug}.example")
        sender.save(update_fields=["mailbox"])
    usage_rollups_refresh(tenant=tenant, days=20, today=today)


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="200 tenants, 2,000 senders")
    args = parser.parse_args()
    if args.quick:
        quick_profile()
    if connection.vendor != "postgresql":
        sys.exit("Run with DATABASE_URL=postgres://... (the targets are for PostgreSQL).")
    big, small = ensure_data(args.rebuild)
    admin, member = users(Tenant.objects.filter(slug__startswith="cust-")[:10])
    admin_client, member_client = Client(), Client()
    admin_client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    member_client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    n, big_n = f"{PORTFOLIO_TENANTS:,}", f"{BIG_SENDERS // 1000}k"
    last_page = max(1, BIG_SENDERS // 50)
    senders = f"/tenants/{big.slug}/senders/"
    small_senders = f"/tenants/{small.slug}/senders/"
    # (label, client, url, p95 target ms, the same page on small data for query counts)
    cases = [
        ("SELECT 1", None, None, None, None),
        ("login page (no DB)", admin_client, "/accounts/login/", None, None),
        ("portfolio, 10 tenants (baseline)", member_client, "/", None, None),
        (f"portfolio, {n} tenants", admin_client, "/", 300, "/"),
        (f"portfolio, {n} tenants, by score", admin_client, "/?sort=-score", 300, "/"),
        (f"portfolio, {n} tenants, last page", admin_client,
         f"/?sort=-score&page={max(1, PORTFOLIO_TENANTS // 50)}", 300, "/"),
        ("overview, small tenant (baseline)", admin_client, f"/tenants/{small.slug}/", None,
         None),
        (f"overview, {big_n} senders", admin_client, f"/tenants/{big.slug}/", 300,
         f"/tenants/{small.slug}/"),
        ("senders, small tenant (baseline)", admin_client, small_senders, None, None),
        (f"senders, {big_n}, first page", admin_client, senders, 200, small_senders),
        (f"senders, {big_n}, by Basic volume", admin_client, f"{senders}?sort=-basic_30d", 200,
         senders),
        (f"senders, {big_n}, by volume, page 40", admin_client,
         f"{senders}?sort=-basic_30d&page=40", 200, senders),
        # The slowest page since the deferred join counts the second half from the end.
        (f"senders, {big_n}, middle page ({last_page // 2})", admin_client,
         f"{senders}?sort=-basic_30d&page={last_page // 2}", 200, senders),
        (f"senders, {big_n}, last page ({last_page})", admin_client,
         f"{senders}?sort=-basic_30d&page={last_page}", 200, senders),
        (f"senders, {big_n}, filtered uses_basic=yes", admin_client,
         f"{senders}?uses_basic=yes&sort=-basic_30d", 200, senders),
        (f"senders, {big_n}, filtered status=migrated, page 5", admin_client,
         f"{senders}?status=migrated&page=5", 200, senders),
        (f"senders, {big_n}, search 'dev4'", admin_client, f"{senders}?q=dev4", 200, senders),
        (f"API senders, {big_n}, default order", admin_client,
         f"/api/v1/tenants/{big.slug}/senders/?limit=50", None, None),
    ]
    results = {}
    # As a production worker does once it has loaded the app (gunicorn_conf.py
    # post_worker_init): what start-up allocated is kept out of full collections.
    admin_client.get("/")
    gc.freeze()
    print(f"\n{'case':50} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, client, url, target, same_page in cases:
        samples = select_one(args.runs) if client is None else timed(client, url, args.runs)
        queries = None if client is None else count_queries(client, url)
        results[label] = (percentile(samples, 50), percentile(samples, 95))
        print(f"{label:50} {results[label][0]:8.1f} {results[label][1]:8.1f} "
              f"{queries if queries is not None else '':>8}")
        if target is not None and not args.quick:
            result(f"{label}: p95", results[label][1], "ms", target=target)
        if same_page is not None:
            reference = count_queries(member_client if same_page == "/" else client, same_page)
            # The paginator's COUNT runs only when there is more than one page: the big
            # sender table's first page may have that one query more than the small
            # tenant's; its deep and filtered pages must equal its first page.
            allowed = 1 if same_page == small_senders else 0
            result(f"{label}: queries - reference page", queries - reference, "queries",
                   target=allowed, note=f"{queries} vs {reference} on {same_page}")
    ratios = [(f"portfolio, {n} tenants", "portfolio, 10 tenants (baseline)"),
              (f"overview, {big_n} senders", "overview, small tenant (baseline)"),
              (f"senders, {big_n}, by Basic volume", "senders, small tenant (baseline)")]
    print("\nratios (p95 / p95 of the same page on small data):")
    for big_case, base in ratios:
        result(f"{big_case}: p95 / small-data p95", results[big_case][1] / results[base][1],
               "x")


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


if __name__ == "__main__":
    main()

"""Steps the chaos runner executes inside the product (one process each, configured by
the scenario's environment: DATABASE_URL, REDIS_URL or the filesystem broker, M365_*).

  python bench/chaos/steps.py onboard [--wrong-secret SLUG]
  python bench/chaos/steps.py dispatch
  python bench/chaos/steps.py sweep          # as if READINESS_STALE_AFTER had passed
  python bench/chaos/steps.py settled        # exit 0 when every ingest has an outcome
  python bench/chaos/steps.py running        # exit 0 when some ingest is running
  python bench/chaos/steps.py snapshot       # JSON: the figures a clean run leaves
  python bench/chaos/steps.py import-upload ROWS | import-clean ROWS
  python bench/chaos/steps.py import-state PK | import-confirm PK | import-delete PK
  python bench/chaos/steps.py import-sweep   # as if READINESS_STALE_AFTER had passed
  python bench/chaos/steps.py import-totals SLUG
  python bench/chaos/steps.py beat-every SECONDS | periods-check
  python bench/chaos/steps.py next-period    # errored schedules due now (a lost retry)
  python bench/chaos/steps.py fuzz N SEED [K M]  # importer fuzzing: files K, K+M, ... < N
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from readiness.connectors.services import tenant_onboard  # noqa: E402
from readiness.demo.generator import build_universe  # noqa: E402
from readiness.ingestion import tasks as ingestion_tasks  # noqa: E402
from readiness.ingestion.choices import RunStatus  # noqa: E402
from readiness.ingestion.models import IngestRun, IngestSchedule  # noqa: E402
from readiness.inventory.models import Mailbox  # noqa: E402
from readiness.senders.models import Sender  # noqa: E402
from readiness.tenancy.models import Tenant  # noqa: E402
from readiness.usage.models import DailyUsage, SignInEvent  # noqa: E402

UNIVERSE = {"seed": 42, "tenants": int(os.environ.get("CHAOS_TENANTS", 5)),
            "mailboxes": int(os.environ.get("CHAOS_MAILBOXES", 40)),
            "days": int(os.environ.get("CHAOS_DAYS", 90))}
# A run with one of these outcomes is over for good (an errored one is retried by the task).
FINAL = (RunStatus.OK, RunStatus.PARTIAL, RunStatus.FAILED, RunStatus.UNLICENSED)


def onboard(wrong_secret: str = "") -> None:
    for t in build_universe(**UNIVERSE):
        secret = "wrong-secret" if t.slug == wrong_secret else t.client_secret
        tenant_onboard(slug=t.slug, name=t.name, directory_id=t.tenant_id,
                       client_id=t.client_id, domain=t.domain, client_secret=secret)


def settled() -> bool:
    """Every schedule's latest run has a final outcome and nothing is running."""
    if IngestRun.objects.filter(status=RunStatus.RUNNING).exists():
        return False
    for schedule in IngestSchedule.objects.all():
        if not IngestRun.objects.filter(tenant_id=schedule.tenant_id, source=schedule.source,
                                        status__in=FINAL).exists():
            return False
    return IngestSchedule.objects.exists()


def sweep() -> None:
    """Make every running job look abandoned for longer than the bound, then sweep."""
    old = timezone.now() - settings.READINESS_STALE_AFTER - timezone.timedelta(minutes=1)
    IngestRun.objects.filter(status=RunStatus.RUNNING).update(heartbeat_at=old)
    print(ingestion_tasks.sweep_runs())


def next_period() -> int:
    """As if the next due period had come for every schedule whose last run errored: an
    errored run's Celery retry is published to the broker, and is lost with it when the
    broker is down (the worker logs "reject requeue=False: Error 111 connecting")."""
    return IngestSchedule.objects.filter(last_status=RunStatus.ERRORED).update(
        next_run_at=timezone.now())


def snapshot() -> dict:
    """What a scenario is compared on. Sign-ins from CHAOS_CUTOFF to CHAOS_UPPER, usage
    on the days between (see run.py: each ingest's 30-day window moves with its "now")."""
    from datetime import datetime

    cutoff = datetime.fromisoformat(os.environ.get("CHAOS_CUTOFF", "2000-01-01T00:00:00+00:00"))
    upper = datetime.fromisoformat(os.environ.get("CHAOS_UPPER", "2100-01-01T00:00:00+00:00"))
    figures = {}
    for tenant in Tenant.objects.order_by("slug"):
        runs = IngestRun.objects.filter(tenant=tenant)
        figures[tenant.slug] = {
            "mailboxes": sorted(Mailbox.objects.filter(tenant=tenant).values_list(
                "address", "effective_state")),
            "usage": sorted([str(d), *rest] for d, *rest in
                            DailyUsage.objects.filter(tenant=tenant, day__gt=cutoff.date(),
                                                      day__lt=upper.date()).values_list(
                                "day", "sender__address", "source", "auth_method",
                                "messages", "signins", "failed_signins")),
            "signins": sorted(SignInEvent.objects.filter(
                tenant=tenant, created_at__gte=cutoff, created_at__lt=upper).values_list(
                "record_id", flat=True)),
            "senders": sorted(Sender.objects.filter(tenant=tenant).values_list(
                "address", flat=True)),
            "outcomes": sorted({(r.source, r.status, r.error[:120]) for r in runs
                                if r.status in (RunStatus.FAILED,)}),
            "_runs": runs.count(),
            "_retries": sum((r.counts or {}).get("retries", 0) for r in runs),
            "_skipped": runs.filter(status=RunStatus.SKIPPED).count(),
            "_unlicensed": runs.filter(status=RunStatus.UNLICENSED).count(),
            "_swept": sum(1 for r in runs if (r.counts or {}).get("swept")),
            "_stuck": runs.filter(status=RunStatus.RUNNING).count(),
        }
    return figures


def fuzz(count: int, seed: int, shard: int = 0, shards: int = 1) -> int:
    """The importer's invariants over files shard, shard + shards, ... below `count`
    (readiness/demo/fuzzing.py), through the import service in this one process, all
    into one tenant per shard: prints the outcomes; exit 1 on an unhandled exception, a
    partial import, an import left unfinished or a mute rejection."""
    import tempfile
    import traceback
    from collections import Counter
    from datetime import date

    from django.db import connection

    from readiness.demo.fuzzing import fuzz_file
    from readiness.imports import services
    from readiness.imports.choices import ImportStatus
    from readiness.imports.models import ExportAggregate, ReportImport, ReportMessage

    tenant, _ = Tenant.objects.get_or_create(slug=f"fuzz-{seed}-{shard}",
                                             defaults={"name": f"Fuzz {shard}"})
    period = services.Period(date(2026, 10, 1), date(2026, 10, 31))
    # Every table an import writes, counted in one round trip (the check runs twice per
    # file, 20,000 times a run); unfinished imports count too: none may be left behind.
    tables = [DailyUsage, ReportMessage, ExportAggregate, Sender]
    sql = "SELECT " + ", ".join(
        [f"(SELECT count(*) FROM {m._meta.db_table} WHERE tenant_id = %s)" for m in tables]
        + [f"(SELECT count(*) FROM {ReportImport._meta.db_table} WHERE tenant_id = %s "
           "AND status NOT IN (%s, %s))"])
    params = [tenant.pk] * (len(tables) + 1) + [ImportStatus.IMPORTED, ImportStatus.DELETED]

    def footprint() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    outcomes, bad = Counter(), []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(shard, count, shards):
            item = fuzz_file(seed, i)
            path = Path(folder) / item.name
            path.write_bytes(item.data)
            before = footprint()
            try:
                report = services.report_import(
                    tenant=tenant, path=path, period=period if item.kind == "export" else None)
                outcomes["imported"] += 1
                if report.status != ImportStatus.IMPORTED or footprint()[-1]:
                    bad.append(f"{item.name}: import ended {report.status}")
            except services.ReportRejected as exc:
                outcomes["rejected"] += 1
                if not exc.message.strip():
                    bad.append(f"{item.name}: rejected without a message")
                if footprint() != before:
                    bad.append(f"{item.name}: rejected but partly imported")
            except services.AlreadyImported:
                outcomes["duplicate"] += 1
                if footprint() != before:
                    bad.append(f"{item.name}: 'already imported' but something was written")
            except Exception:
                bad.append(f"{item.name}: unhandled {traceback.format_exc(limit=3)}")
            path.unlink()
    print(json.dumps({"outcomes": outcomes, "problems": bad[:20], "count": len(
        range(shard, count, shards))}))
    return 1 if bad else 0


# --- SIGKILL mid-import: one big detailed report, uploaded, confirmed and killed --------

KILL_TENANT, CLEAN_TENANT = "import-kill", "import-clean"
DETAILED_HEADER = ('"date","senderName","senderDomain","authMethod","original_client_ip",'
                   '"tls_version","tls_cipher","message_count","message_id"')


def big_report(rows: int) -> bytes:
    lines = [DETAILED_HEADER]
    for i in range(rows):
        lines.append(f'"2026-10-{1 + i % 28:02d}T06:{i % 60:02d}:12.0000000Z","dev{i % 50}",'
                     f'"contoso.cz","{("Basic", "OAuth")[i % 3 == 0]}","203.0.113.{i % 250}",'
                     f'"TLS1_2","TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384","{1 + i % 3}",'
                     f'"<m{i}@contoso.cz>"')
    return ("\n".join(lines) + "\n").encode()


def _import_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="chaos-importer")
    return user


def import_upload(rows: int) -> int:
    """Upload the report as the web page does (stored, inspection queued for a worker)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from readiness.imports import services

    tenant, _ = Tenant.objects.get_or_create(slug=KILL_TENANT, defaults={"name": "Kill"})
    report = services.report_upload_save(
        tenant=tenant, uploaded_file=SimpleUploadedFile("SmtpCSReport_big.csv",
                                                        big_report(rows)),
        actor=_import_user())
    return report.pk


def import_clean(rows: int) -> None:
    """The clean pass: the same file imported once, undisturbed, into its own tenant."""
    import tempfile

    from readiness.imports import services

    tenant, _ = Tenant.objects.get_or_create(slug=CLEAN_TENANT, defaults={"name": "Clean"})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "SmtpCSReport_big.csv"
        path.write_bytes(big_report(rows))
        services.report_import(tenant=tenant, path=path)


def import_state(pk: int) -> dict:
    from readiness.imports.models import ReportImport

    report = ReportImport.objects.get(pk=pk)
    return {"status": report.status, "done": report.progress_done,
            "heartbeat": report.heartbeat_at.isoformat(), "sweeps": report.sweeps,
            "error": report.error}


def import_act(action: str, pk: int) -> bool:
    """confirm or delete, as the user's buttons do (the work is queued for a worker)."""
    from readiness.imports import services
    from readiness.imports.models import ReportImport

    report = ReportImport.objects.get(pk=pk)
    if action == "confirm":
        return services.report_confirm(report=report, actor=_import_user()).status == "importing"
    return services.report_delete_request(report=report, actor=_import_user())


def import_sweep() -> dict:
    """Make running imports look abandoned for longer than the bound, then sweep."""
    from readiness.imports import tasks as import_tasks
    from readiness.imports.choices import RUNNING_STATUSES
    from readiness.imports.models import ReportImport

    old = timezone.now() - settings.READINESS_STALE_AFTER - timezone.timedelta(minutes=1)
    ReportImport.objects.filter(status__in=RUNNING_STATUSES).update(heartbeat_at=old)
    return import_tasks.sweep_stuck()


def import_totals(slug: str) -> dict:
    """What an import leaves, without the tenant's identity: compared across tenants."""
    from readiness.imports.models import ReportMessage

    tenant = Tenant.objects.get(slug=slug)
    return {"usage": sorted([str(d), *rest] for d, *rest in DailyUsage.objects.filter(
                tenant=tenant).values_list("day", "sender__address", "source", "auth_method",
                                           "messages", "signins", "failed_signins")),
            "messages": ReportMessage.objects.filter(tenant=tenant).count(),
            "senders": sorted(Sender.objects.filter(tenant=tenant).values_list("address",
                                                                                flat=True))}


# --- beat started twice: two real `celery beat` processes ------------------------------

DISPATCH_TASK = "ingestion.dispatch"


def beat_every(seconds: int) -> None:
    """The dispatcher's beat row every `seconds` (1 minute in the product), last run long
    ago so both beats send it the moment they start."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval, _ = IntervalSchedule.objects.get_or_create(every=seconds,
                                                         period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(task=DISPATCH_TASK).update(
        interval=interval, last_run_at=timezone.now() - timezone.timedelta(days=1))


def periods_check() -> dict:
    """One ingest per tenant and source per due period: a run starts no earlier than
    READINESS_INGEST_INTERVAL after the previous one of that tenant and source finished,
    unless that one errored (its Celery retry is the same period's work); every other
    dispatch of it is a skipped run with a reason."""
    from itertools import pairwise

    interval, runs, doubled = settings.READINESS_INGEST_INTERVAL, {}, []
    for run in IngestRun.objects.exclude(status=RunStatus.SKIPPED).order_by(
            "started_at").select_related("tenant"):
        runs.setdefault(f"{run.tenant.slug}/{run.source}", []).append(run)
    for key, seq in runs.items():
        doubled += [f"{key}: {b.triggered_by} run at {b.started_at:%H:%M:%S} < "
                    f"{a.status} run's end {a.finished_at:%H:%M:%S} + interval"
                    for a, b in pairwise(seq) if a.status != RunStatus.ERRORED and (
                        a.finished_at is None or b.started_at < a.finished_at + interval)]
    skipped = list(IngestRun.objects.filter(status=RunStatus.SKIPPED).values_list("error",
                                                                                 flat=True))
    return {"periods": {key: len(seq) for key, seq in runs.items()}, "doubled": doubled,
            "skipped": len(skipped),
            "mute_skips": sum(1 for reason in skipped if not reason.strip()),
            "reasons": sorted({reason.split(";")[0].split(":")[0] for reason in skipped})}


def soak_check() -> dict:
    """After a soak: runs per outcome, leases still held, runs still running, and any two
    runs of one tenant and source that overlapped in time (the lease forbids it)."""
    from collections import Counter
    from itertools import pairwise

    runs = list(IngestRun.objects.exclude(status=RunStatus.SKIPPED).order_by(
        "tenant_id", "source", "started_at").values_list(
        "tenant_id", "source", "started_at", "finished_at"))
    overlaps = sum(1 for a, b in pairwise(runs)
                   if a[:2] == b[:2] and (a[3] is None or a[3] > b[2]))
    return {"outcomes": dict(Counter(IngestRun.objects.values_list("status", flat=True))),
            "doubled": periods_check()["doubled"],
            "leases_held": IngestSchedule.objects.exclude(lease_owner="").count(),
            "running": IngestRun.objects.filter(status=RunStatus.RUNNING).count(),
            "overlapping_runs": overlaps,
            "schedules": IngestSchedule.objects.count()}


def main(argv: list[str]) -> int:
    step = argv[0]
    if step == "onboard":
        onboard(argv[2] if len(argv) > 2 and argv[1] == "--wrong-secret" else "")
    elif step == "dispatch":
        print(ingestion_tasks.dispatch())
    elif step == "sweep":
        sweep()
    elif step == "settled":
        return 0 if settled() else 1
    elif step == "running":
        return 0 if IngestRun.objects.filter(status=RunStatus.RUNNING).exists() else 1
    elif step == "fuzz":  # fuzz COUNT SEED [SHARD SHARDS]
        return fuzz(*map(int, argv[1:5]))
    elif step == "import-upload":
        print(import_upload(int(argv[1])))
    elif step == "import-clean":
        import_clean(int(argv[1]))
    elif step == "import-state":
        print(json.dumps(import_state(int(argv[1]))))
    elif step in ("import-confirm", "import-delete"):
        return 0 if import_act(step.split("-")[1], int(argv[1])) else 1
    elif step == "import-sweep":
        print(json.dumps(import_sweep()))
    elif step == "import-totals":
        print(json.dumps(import_totals(argv[1]), default=str))
    elif step == "next-period":
        print(next_period())
    elif step == "beat-every":
        beat_every(int(argv[1]))
    elif step == "periods-check":
        print(json.dumps(periods_check()))
    elif step == "soak-check":
        print(json.dumps(soak_check()))
    elif step == "snapshot":
        print(json.dumps(snapshot(), default=str))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

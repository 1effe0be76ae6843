"""Steps the chaos runner executes inside the product (one process each, configured by
the scenario's environment: DATABASE_URL, REDIS_URL or the filesystem broker, M365_*).

  python bench/chaos/steps.py onboard [--wrong-secret SLUG]
  python bench/chaos/steps.py dispatch
  python bench/chaos/steps.py sweep          # as if READINESS_STALE_AFTER had passed
  python bench/chaos/steps.py settled        # exit 0 when every ingest has an outcome
  python bench/chaos/steps.py running        # exit 0 when some ingest is running
  python bench/chaos/steps.py snapshot       # JSON: the figures a clean run leaves
  python bench/chaos/steps.py fuzz N SEED    # importer fuzzing: N generated+mutated files
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
FINAL = (RunStatus.OK, RunStatus.PARTIAL, RunStatus.FAILED)


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


def snapshot() -> dict:
    """What a scenario is compared on. Sign-ins and usage from CHAOS_CUTOFF on (see
    run.py: the 30-day window's oldest edge moves with each run's "now")."""
    from datetime import datetime

    cutoff = datetime.fromisoformat(os.environ.get("CHAOS_CUTOFF", "2000-01-01T00:00:00+00:00"))
    figures = {}
    for tenant in Tenant.objects.order_by("slug"):
        runs = IngestRun.objects.filter(tenant=tenant)
        figures[tenant.slug] = {
            "mailboxes": sorted(Mailbox.objects.filter(tenant=tenant).values_list(
                "address", "effective_state")),
            "usage": sorted([str(d), *rest] for d, *rest in
                            DailyUsage.objects.filter(tenant=tenant,
                                                      day__gt=cutoff.date()).values_list(
                                "day", "sender__address", "source", "auth_method",
                                "messages", "signins", "failed_signins")),
            "signins": sorted(SignInEvent.objects.filter(
                tenant=tenant, created_at__gte=cutoff).values_list("record_id", flat=True)),
            "senders": sorted(Sender.objects.filter(tenant=tenant).values_list(
                "address", flat=True)),
            "outcomes": sorted({(r.source, r.status, r.error[:120]) for r in runs
                                if r.status in (RunStatus.FAILED,)}),
            "_runs": runs.count(),
            "_retries": sum((r.counts or {}).get("retries", 0) for r in runs),
            "_skipped": runs.filter(status=RunStatus.SKIPPED).count(),
            "_swept": sum(1 for r in runs if (r.counts or {}).get("swept")),
            "_stuck": runs.filter(status=RunStatus.RUNNING).count(),
        }
    return figures


def fuzz(count: int, seed: int) -> int:
    """The importer's invariants over `count` files (readiness/demo/fuzzing.py): prints
    the outcomes; exit 1 on an unhandled exception, a partial import or a mute rejection."""
    import tempfile
    import traceback
    from collections import Counter
    from datetime import date

    from readiness.demo.fuzzing import fuzz_files
    from readiness.imports import services
    from readiness.imports.choices import ImportStatus
    from readiness.imports.models import ExportAggregate, ReportImport, ReportMessage

    tenant, _ = Tenant.objects.get_or_create(slug=f"fuzz-{seed}", defaults={"name": "Fuzz"})
    period = services.Period(date(2026, 10, 1), date(2026, 10, 31))

    def footprint():
        return (DailyUsage.objects.filter(tenant=tenant).count(),
                ReportMessage.objects.filter(tenant=tenant).count(),
                ExportAggregate.objects.filter(tenant=tenant).count(),
                Sender.objects.filter(tenant=tenant).count(),
                ReportImport.objects.filter(tenant=tenant).exclude(
                    status=ImportStatus.IMPORTED).exclude(status=ImportStatus.DELETED).count())

    outcomes, bad = Counter(), []
    with tempfile.TemporaryDirectory() as folder:
        for item in fuzz_files(seed=seed, count=count):
            path = Path(folder) / item.name
            path.write_bytes(item.data)
            before = footprint()
            try:
                services.report_import(tenant=tenant, path=path,
                                       period=period if item.kind == "export" else None)
                outcomes["imported"] += 1
            except services.ReportRejected as exc:
                outcomes["rejected"] += 1
                if not exc.message.strip():
                    bad.append(f"{item.name}: rejected without a message")
                if footprint() != before:
                    bad.append(f"{item.name}: rejected but partly imported")
            except services.AlreadyImported:
                outcomes["duplicate"] += 1
            except Exception:
                bad.append(f"{item.name}: unhandled {traceback.format_exc(limit=3)}")
            path.unlink()
    print(json.dumps({"outcomes": outcomes, "problems": bad[:20], "count": count}))
    return 1 if bad else 0


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
    elif step == "fuzz":
        return fuzz(int(argv[1]), int(argv[2]))
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

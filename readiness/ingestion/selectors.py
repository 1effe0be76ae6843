"""Health of the moving parts, for /healthz, and the tenant's ingest history."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from readiness.celery import app as celery_app
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun
from readiness.ingestion.signals import BEAT_PUBLISHED_KEY, WORKER_CONSUMED_KEY
from readiness.ingestion.tasks import BEAT_TICK_KEY
from readiness.tenancy.models import Tenant

# Beat sends the dispatcher every minute: 3 minutes without it (or without a worker
# taking anything while beat sends) means scheduled ingests have stopped.
STALLED_AFTER_SECONDS = 180


def health_report() -> dict:
    """Unhealthy when the database or broker is down, beat has not sent the dispatcher
    for 3 minutes, or beat sends but no worker consumed anything for 3 minutes. Tenants
    are not checked here: one stale customer is shown as stale, never a service outage."""
    checks = {"database": _database(), "broker": _broker(), "beat": _beat(),
              "workers": _workers()}
    ok = all(checks[name]["ok"] for name in ("database", "broker", "beat", "workers"))
    return {"ok": ok, **checks}


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # report, never raise: this is the health endpoint
        return {"ok": False, "error": type(exc).__name__}


def _broker() -> dict:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return {"ok": True, "transport": conn.transport_cls}
    except Exception as exc:  # report, never raise
        return {"ok": False, "error": type(exc).__name__}


def _age(key: str) -> tuple[str | None, int | None]:
    raw = cache.get(key)
    if not raw:
        return None, None
    return raw, round((timezone.now() - datetime.fromisoformat(raw)).total_seconds())


def _beat() -> dict:
    """`last_tick`/`age_seconds`: the dispatcher last RAN (beat and a worker both alive;
    the container health check reads it). `ok`: beat SENT it within 3 minutes; never
    sent yet (a fresh start) is not a failure."""
    last_tick, age = _age(BEAT_TICK_KEY)
    sent, sent_age = _age(BEAT_PUBLISHED_KEY)
    return {"last_tick": last_tick, "age_seconds": age, "last_sent": sent,
            "sent_age_seconds": sent_age,
            "ok": sent_age is None or sent_age <= STALLED_AFTER_SECONDS}


def _workers() -> dict:
    """Consuming: some worker started a task within 3 minutes of beat's last send."""
    consumed, consumed_age = _age(WORKER_CONSUMED_KEY)
    _, sent_age = _age(BEAT_PUBLISHED_KEY)
    _, first_sent_age = _age(BEAT_PUBLISHED_KEY + ":first")
    if sent_age is None or sent_age > STALLED_AFTER_SECONDS:
        ok = True  # nothing sent lately: nothing to consume (beat's own check says so)
    elif consumed_age is None:
        ok = (first_sent_age or 0) <= STALLED_AFTER_SECONDS
    else:
        ok = consumed_age - sent_age <= STALLED_AFTER_SECONDS
    return {"last_consumed": consumed, "age_seconds": consumed_age, "ok": ok}


# --- the tenant's ingest history ---------------------------------------------------------

HISTORY_TOTALS_WINDOW = 500  # the totals cover this many most recent runs


def run_history(*, tenant: Tenant) -> QuerySet[IngestRun]:
    return IngestRun.objects.for_tenant(tenant).order_by("-started_at", "-pk")


def run_history_totals(*, tenant: Tenant) -> dict:
    """Counts over the recent runs: by status, retries, each fault by name, skips, sweeps."""
    rows = list(run_history(tenant=tenant).values("status", "counts")[:HISTORY_TOTALS_WINDOW])
    faults: Counter = Counter()
    for row in rows:
        faults.update((row["counts"] or {}).get("faults") or {})
    statuses = Counter(row["status"] for row in rows)
    return {"runs": len(rows), "retries": sum(faults.values()),
            "faults": dict(faults.most_common()),
            "skipped": statuses[RunStatus.SKIPPED],
            "swept": sum(1 for row in rows if (row["counts"] or {}).get("swept")),
            "by_status": {label: statuses[value] for value, label in RunStatus.choices
                          if statuses[value]}}

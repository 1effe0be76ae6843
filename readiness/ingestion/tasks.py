"""Celery adapters: fetch by id, call a service. Tasks own retries; services own logic."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from readiness.core.tasks import RetryingTask
from readiness.ingestion import services
from readiness.tenancy.models import Tenant

logger = logging.getLogger(__name__)
BEAT_TICK_KEY = "readiness:beat:last_tick"


@shared_task(name="ingestion.dispatch", acks_late=True, soft_time_limit=50, time_limit=60,
             ignore_result=True)
def dispatch() -> int:
    """Beat runs this every minute: enqueue one ingest per due tenant and source."""
    cache.set(BEAT_TICK_KEY, timezone.now().isoformat(), timeout=None)
    due = services.schedules_due()
    for schedule in due:
        ingest_tenant.delay(schedule.tenant_id, schedule.source)
    return len(due)


@shared_task(
    bind=True, base=RetryingTask, name="ingestion.ingest_tenant",
    soft_time_limit=600, time_limit=660, autoretry_for=(Exception,), retry_backoff=30,
)
def ingest_tenant(self, tenant_id: int, source: str, triggered_by: str = "schedule") -> str:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return "tenant gone"
    # A Celery retry of an errored run is not a new scheduled ingest: it must not be
    # skipped as "not due" (the errored run already moved the schedule on).
    retrying = self.request.retries and triggered_by == "schedule"
    run = services.ingest_run(tenant=tenant, source=source,
                              triggered_by="retry" if retrying else triggered_by)
    return run.status


@shared_task(name="ingestion.sweep_runs", acks_late=True, soft_time_limit=50, time_limit=60,
             ignore_result=True)
def sweep_runs() -> int:
    """Beat runs this every minute: runs whose worker died are re-queued once, else failed."""
    swept = 0
    for run in services.runs_stale():
        swept += 1
        if services.run_sweep(run=run):
            ingest_tenant.delay(run.tenant_id, run.source, services.SWEEPER)
    return swept

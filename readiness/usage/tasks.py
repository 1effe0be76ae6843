"""Celery adapters for the rollups: ids only, bounded retries, time limits."""

from __future__ import annotations

from celery import shared_task

from readiness.core.tasks import RetryingTask
from readiness.tenancy.models import Tenant
from readiness.usage.rollups import tenant_rollup_refresh, usage_rollups_refresh


@shared_task(name="usage.rollups_refresh_tenant", base=RetryingTask, soft_time_limit=300,
             time_limit=360, autoretry_for=(Exception,), retry_backoff=30)
def rollups_refresh_tenant(tenant_id: int, days: int = 35) -> str:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return "tenant gone"
    usage_rollups_refresh(tenant=tenant, days=days)
    return "ok"


@shared_task(name="usage.rollups_refresh_all", acks_late=True, soft_time_limit=50,
             time_limit=60, ignore_result=True)
def rollups_refresh_all() -> int:
    """Nightly: the 30-day windows slide, so every tenant's rollups are rebuilt."""
    ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in ids:
        rollups_refresh_tenant.delay(tenant_id)
    return len(ids)


@shared_task(name="usage.tenant_rollup_refresh", base=RetryingTask, soft_time_limit=60,
             time_limit=90, autoretry_for=(Exception,), retry_backoff=10)
def tenant_rollup_refresh_task(tenant_id: int) -> str:
    """After a status or inventory change: only the portfolio row needs redoing."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return "tenant gone"
    tenant_rollup_refresh(tenant=tenant)
    return "ok"

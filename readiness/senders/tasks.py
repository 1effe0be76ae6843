"""Periodic workflow evaluation: one beat task fans out one task per tenant (by id)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from readiness.senders.services import workflow_evaluate
from readiness.tenancy.models import Tenant


@shared_task(name="senders.evaluate_workflow", acks_late=True, soft_time_limit=60,
             time_limit=90, ignore_result=True)
def evaluate_workflow() -> int:
    ids = list(Tenant.objects.order_by("pk").values_list("pk", flat=True))
    for tenant_id in ids:
        evaluate_tenant_workflow.delay(tenant_id)
    return len(ids)


@shared_task(name="senders.evaluate_tenant_workflow", acks_late=True, soft_time_limit=240,
             time_limit=300, max_retries=3, autoretry_for=(OperationalError,),
             retry_backoff=30, retry_backoff_max=600, retry_jitter=True, ignore_result=True)
def evaluate_tenant_workflow(tenant_id: int) -> dict | None:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return None  # deleted since the fan-out: nothing to do, not an error
    return workflow_evaluate(tenant=tenant)

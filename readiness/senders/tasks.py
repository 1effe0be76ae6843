"""Periodic workflow evaluation: one beat task fans out one task per tenant (by id)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from readiness.core.tasks import DATABASE_LOST, RetryingTask
from readiness.senders.services import messages, workflow_evaluate
from readiness.tenancy.models import Tenant


@shared_task(name="senders.evaluate_workflow", acks_late=True, soft_time_limit=60,
             time_limit=90, ignore_result=True)
def evaluate_workflow() -> int:
    ids = list(Tenant.objects.order_by("pk").values_list("pk", flat=True))
    for tenant_id in ids:
        evaluate_tenant_workflow.delay(tenant_id)
    return len(ids)


@shared_task(name="senders.evaluate_tenant_workflow", base=RetryingTask, soft_time_limit=240,
             time_limit=300, autoretry_for=DATABASE_LOST, retry_backoff=30)
def evaluate_tenant_workflow(tenant_id: int) -> dict | None:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return None  # deleted since the fan-out: nothing to do, not an error
    return workflow_evaluate(tenant=tenant)


# The overdue-ticket reminders keep their task names (the beat schedule refers to them).
@shared_task(name="notifications.send_overdue", acks_late=True, soft_time_limit=50,
             time_limit=60, ignore_result=True)
def send_overdue() -> int:
    """Daily: one task per tenant, so one tenant's failure never stops the others."""
    ids = list(Tenant.objects.order_by("pk").values_list("pk", flat=True))
    for tenant_id in ids:
        send_overdue_tenant.delay(tenant_id)
    return len(ids)


@shared_task(name="notifications.send_overdue_tenant", base=RetryingTask,
             soft_time_limit=120, time_limit=150, autoretry_for=(DatabaseError,),
             retry_backoff=30, retry_backoff_max=3600)
def send_overdue_tenant(tenant_id: int) -> int:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    # Idempotent: a ticket is reported overdue once, so a retry sends nothing twice.
    return messages.tickets_overdue(tenant=tenant, today=timezone.now().date())

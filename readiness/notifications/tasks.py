"""Thin Celery adapters: ids in, services do the work, the task owns the retries."""

from __future__ import annotations

import random

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from readiness.notifications import services
from readiness.tenancy.models import Tenant

BACKOFF_BASE = 30
BACKOFF_CAP = 3600


def backoff(attempt: int) -> int:
    """Exponential backoff with jitter: a random wait between half and all of a ceiling
    that doubles each attempt from BACKOFF_BASE, capped at BACKOFF_CAP seconds."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempt - 1, 0))
    return random.randint(ceiling // 2, ceiling)


@shared_task(name="notifications.deliver_webhook", bind=True, acks_late=True,
             soft_time_limit=60, time_limit=90, max_retries=services.MAX_ATTEMPTS,
             ignore_result=True)
def deliver_webhook(self, delivery_id: int) -> None:
    next_id = services.webhook_attempt(delivery_id=delivery_id)
    if next_id is not None:
        # The next attempt is its own row, so the log keeps every try.
        raise self.retry(args=[next_id], countdown=backoff(self.request.retries + 1))


@shared_task(name="notifications.send_overdue", acks_late=True, soft_time_limit=50,
             time_limit=60, ignore_result=True)
def send_overdue() -> int:
    """Daily: one task per tenant, so one tenant's failure never stops the others."""
    ids = list(Tenant.objects.order_by("pk").values_list("pk", flat=True))
    for tenant_id in ids:
        send_overdue_tenant.delay(tenant_id)
    return len(ids)


@shared_task(name="notifications.send_overdue_tenant", bind=True, acks_late=True,
             soft_time_limit=120, time_limit=150, max_retries=3, ignore_result=True)
def send_overdue_tenant(self, tenant_id: int) -> int:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    try:
        # Idempotent: a ticket is reported overdue once, so a retry sends nothing twice.
        return services.tickets_overdue(tenant=tenant, today=timezone.now().date())
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries + 1)) from exc

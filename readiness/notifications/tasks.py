"""Thin Celery adapters: ids in, services do the work, the task owns the retries."""

from __future__ import annotations

import random

from celery import shared_task

from readiness.notifications import services

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

"""Thin Celery adapters: ids in, services do the work, the task owns the retries."""

from __future__ import annotations

from celery import shared_task

from readiness.core.tasks import RetryingTask
from readiness.notifications import services


@shared_task(name="notifications.deliver_webhook", bind=True, base=RetryingTask,
             soft_time_limit=60, time_limit=90, max_retries=services.MAX_ATTEMPTS,
             retry_backoff=30, retry_backoff_max=3600)
def deliver_webhook(self, delivery_id: int) -> None:
    next_id = services.webhook_attempt(delivery_id=delivery_id)
    if next_id is not None:
        # The next attempt is its own row (so the log keeps every try): a hand-made
        # retry with new arguments, on the same backoff curve as autoretry.
        raise self.retry(args=[next_id], countdown=self.backoff_countdown())

"""The one retry style of every Celery task: Celery's own autoretry_for, retry_backoff
and retry_jitter, configured here once. HTTP retries live in connectors/transport.py.

A task names what is worth retrying (`autoretry_for=...` on the decorator) and inherits
the bounded, jittered exponential backoff. A task that must retry by hand (a webhook
whose next attempt is a new row) uses `backoff_countdown()`, the same curve."""

from __future__ import annotations

from celery import Task
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError

DATABASE_LOST = (OperationalError, InterfaceError)


class RetryingTask(Task):
    max_retries = 3
    retry_backoff = 15  # seconds before the first retry, doubled per retry
    retry_backoff_max = 600
    retry_jitter = True
    acks_late = True
    ignore_result = True

    def backoff_countdown(self) -> int:
        """The countdown autoretry would use for the next retry of this request."""
        return get_exponential_backoff_interval(
            factor=self.retry_backoff, retries=self.request.retries,
            maximum=self.retry_backoff_max, full_jitter=self.retry_jitter)

"""Liveness stamps for /healthz, written by Celery's own signals: beat stamps when it
sends the dispatcher, any worker stamps when it starts a task. The cache is shared by
every process (Redis, or the file cache under the data directory)."""

from __future__ import annotations

from celery.signals import before_task_publish, task_prerun
from django.core.cache import cache
from django.utils import timezone

BEAT_PUBLISHED_KEY = "readiness:beat:last_sent"
WORKER_CONSUMED_KEY = "readiness:workers:last_consumed"
DISPATCH_TASK = "ingestion.dispatch"


@before_task_publish.connect(dispatch_uid="readiness-beat-sent")
def beat_sent(sender=None, **kwargs) -> None:
    if sender != DISPATCH_TASK:  # only beat sends the dispatcher
        return
    now = timezone.now().isoformat()
    try:
        cache.set(BEAT_PUBLISHED_KEY, now, timeout=None)
        cache.add(BEAT_PUBLISHED_KEY + ":first", now, timeout=None)
    except Exception:  # a liveness stamp must never stop beat from sending
        return


@task_prerun.connect(dispatch_uid="readiness-worker-consumed")
def worker_consumed(**kwargs) -> None:
    try:
        cache.set(WORKER_CONSUMED_KEY, timezone.now().isoformat(), timeout=None)
    except Exception:  # a liveness stamp must never fail the task itself
        return

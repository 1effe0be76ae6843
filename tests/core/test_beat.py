"""The beat schedule is data created by migrations; every row must name a real task."""

import pytest
from django_celery_beat.models import PeriodicTask

from readiness.celery import app

pytestmark = pytest.mark.django_db


def test_every_scheduled_task_is_registered_with_celery():
    app.loader.import_default_modules()
    scheduled = set(PeriodicTask.objects.values_list("task", flat=True))
    assert scheduled >= {"ingestion.dispatch", "imports.scan_inbox", "senders.evaluate_workflow",
                         "notifications.send_overdue", "usage.rollups_refresh_all"}
    assert scheduled <= set(app.tasks)


def test_exactly_one_dispatcher_runs_every_minute():
    dispatch = PeriodicTask.objects.get(task="ingestion.dispatch")
    assert (dispatch.interval.every, dispatch.interval.period) == (1, "minutes")

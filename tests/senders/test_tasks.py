import datetime as dt

from django_celery_beat.models import PeriodicTask

from readiness.senders.tasks import evaluate_tenant_workflow
from tests.factories import DailyUsageFactory, SenderFactory


def test_the_beat_schedules_exist(db):
    tasks = dict(PeriodicTask.objects.values_list("task", "enabled"))
    assert tasks["senders.evaluate_workflow"] and tasks["notifications.send_overdue"]
    evaluate = PeriodicTask.objects.get(task="senders.evaluate_workflow")
    assert (evaluate.interval.every, evaluate.interval.period) == (15, "minutes")


def test_the_tenant_task_runs_the_evaluation(tenant_a):
    sender = SenderFactory(tenant=tenant_a, status="verified",
                           status_changed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    DailyUsageFactory(sender=sender, auth_method="basic")
    result = evaluate_tenant_workflow.apply(args=[tenant_a.pk]).get()
    sender.refresh_from_db()
    assert (result["regressed"], sender.status) == (1, "regressed")


def test_a_deleted_tenant_is_skipped(db):
    assert evaluate_tenant_workflow.apply(args=[987654]).get() is None

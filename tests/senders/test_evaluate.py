"""workflow_evaluate: verification needs coverage, Basic re-opens, exceptions expire."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from readiness.notifications.models import Notification
from readiness.senders.models import Sender, SenderException, SenderStatusChange
from readiness.senders.services import workflow_evaluate
from tests.factories import DailyUsageFactory, SenderExceptionFactory, SenderFactory

TODAY = dt.date(2026, 11, 20)


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)), dt.UTC)


def _migrated(tenant, days_ago, **kwargs):
    return SenderFactory(tenant=tenant, status="migrated",
                         status_changed_at=_at(TODAY - dt.timedelta(days=days_ago)), **kwargs)


def _cover(tenant, start, end, auth_method="oauth"):
    other = SenderFactory(tenant=tenant)
    day = start
    while day <= end:
        DailyUsageFactory(sender=other, day=day, auth_method=auth_method)
        day += dt.timedelta(days=1)


def test_a_migrated_sender_is_verified_after_n_covered_days_without_basic(tenant_a):
    sender = _migrated(tenant_a, days_ago=20)
    _cover(tenant_a, TODAY - dt.timedelta(days=14), TODAY - dt.timedelta(days=1))
    result = workflow_evaluate(tenant=tenant_a, today=TODAY)
    sender.refresh_from_db()
    assert (sender.status, result["verified"]) == ("verified", 1)
    change = SenderStatusChange.objects.get(sender=sender)
    assert (change.actor, change.source) == (None, "task")


def test_without_coverage_a_migrated_sender_stays_migrated(tenant_a):
    sender = _migrated(tenant_a, days_ago=20)
    # One day in the window has no data from any source.
    _cover(tenant_a, TODAY - dt.timedelta(days=14), TODAY - dt.timedelta(days=3))
    workflow_evaluate(tenant=tenant_a, today=TODAY)
    assert Sender.objects.get(pk=sender.pk).status == "migrated"


def test_a_sender_migrated_too_recently_is_not_verified(tenant_a):
    sender = _migrated(tenant_a, days_ago=10)
    _cover(tenant_a, TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=1))
    workflow_evaluate(tenant=tenant_a, today=TODAY)
    assert Sender.objects.get(pk=sender.pk).status == "migrated"


def test_the_tenant_setting_decides_how_many_days_are_needed(tenant_a):
    tenant_a.verify_after_days = 3
    tenant_a.save()
    sender = _migrated(tenant_a, days_ago=5)
    _cover(tenant_a, TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=1))
    workflow_evaluate(tenant=tenant_a, today=TODAY)
    assert Sender.objects.get(pk=sender.pk).status == "verified"


def test_basic_usage_after_migration_regresses_and_notifies_owner_and_assignee(
        tenant_a, hana, alice, django_capture_on_commit_callbacks):
    sender = _migrated(tenant_a, days_ago=5, owner_user=alice)
    from tests.factories import TicketFactory

    ticket = TicketFactory(tenant=tenant_a, assignee=hana)
    ticket.senders.add(sender)
    DailyUsageFactory(sender=sender, day=TODAY - dt.timedelta(days=2), auth_method="basic")
    with django_capture_on_commit_callbacks(execute=True):
        result = workflow_evaluate(tenant=tenant_a, today=TODAY)
    sender.refresh_from_db()
    assert (sender.status, result["regressed"]) == ("regressed", 1)
    regression = [m for m in mail.outbox if "Basic authentication again" in m.subject]
    assert len(regression) == 1
    assert sorted(regression[0].to) == sorted([alice.email, hana.email])


def test_basic_usage_before_the_migration_day_does_not_regress(tenant_a):
    sender = _migrated(tenant_a, days_ago=5)
    DailyUsageFactory(sender=sender, day=TODAY - dt.timedelta(days=5), auth_method="basic")
    DailyUsageFactory(sender=sender, day=TODAY - dt.timedelta(days=8), auth_method="basic")
    workflow_evaluate(tenant=tenant_a, today=TODAY)
    assert Sender.objects.get(pk=sender.pk).status == "migrated"


def test_a_verified_sender_also_regresses(tenant_a):
    sender = SenderFactory(tenant=tenant_a, status="verified",
                           status_changed_at=_at(TODAY - dt.timedelta(days=3)))
    DailyUsageFactory(sender=sender, day=TODAY - dt.timedelta(days=1), auth_method="basic")
    workflow_evaluate(tenant=tenant_a, today=TODAY)
    assert Sender.objects.get(pk=sender.pk).status == "regressed"


def test_an_expired_exception_reopens_the_sender_as_triaged(tenant_a, alice,
                                                           django_capture_on_commit_callbacks):
    sender = SenderFactory(tenant=tenant_a, status="exception")
    exception = SenderExceptionFactory(sender=sender, approver=alice,
                                       expires_on=TODAY - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = workflow_evaluate(tenant=tenant_a, today=TODAY)
    exception.refresh_from_db()
    assert result["exceptions_expired"] == 1
    assert exception.ended_reason == "expired"
    assert Sender.objects.get(pk=sender.pk).status == "triaged"
    assert any("Exception expired" in m.subject for m in mail.outbox)


def test_an_exception_is_valid_through_its_expiry_day(tenant_a, alice):
    sender = SenderFactory(tenant=tenant_a, status="exception")
    SenderExceptionFactory(sender=sender, approver=alice, expires_on=TODAY)
    workflow_evaluate(tenant=tenant_a, today=TODAY)
    assert Sender.objects.get(pk=sender.pk).status == "exception"
    assert SenderException.objects.get(sender=sender).ended_at is None


def test_a_new_sender_using_basic_is_announced_once_to_managers(
        tenant_a, alice, django_capture_on_commit_callbacks):
    sender = SenderFactory(tenant=tenant_a)
    DailyUsageFactory(sender=sender, day=TODAY - dt.timedelta(days=1), auth_method="basic")
    with django_capture_on_commit_callbacks(execute=True):
        first = workflow_evaluate(tenant=tenant_a, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = workflow_evaluate(tenant=tenant_a, today=TODAY)
    assert (first["new_basic"], second["new_basic"]) == (1, 0)
    digests = [m for m in mail.outbox if "new sender" in m.subject]
    assert len(digests) == 1 and digests[0].to == [alice.email]
    assert sender.address in digests[0].body
    assert Notification.objects.filter(kind="sender.new_basic").count() == 1


def test_a_second_pass_changes_nothing(tenant_a):
    _migrated(tenant_a, days_ago=20)
    _cover(tenant_a, TODAY - dt.timedelta(days=14), TODAY - dt.timedelta(days=1))
    workflow_evaluate(tenant=tenant_a, today=TODAY)
    again = workflow_evaluate(tenant=tenant_a, today=TODAY)
    assert again == {"regressed": 0, "verified": 0, "exceptions_expired": 0, "new_basic": 0,
                     "conflicts": 0, "broken": 0}

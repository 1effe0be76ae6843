from datetime import timedelta

import pytest
from django.utils import timezone

from readiness.ingestion import services
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun, IngestSchedule
from readiness.ingestion.tasks import dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_sources():
    """Registers throwaway sources for the duration of a test."""
    added = []

    def add(name, fn):
        services.SOURCES[name] = fn
        added.append(name)

    yield add
    for name in added:
        services.SOURCES.pop(name, None)


def test_a_held_lease_makes_the_second_ingest_skip(tenant_a, flaky_sources):
    schedule = services.schedule_ensure(tenant=tenant_a, source="signins")
    assert services.lease_claim(schedule_id=schedule.pk, owner="other-worker")
    run = services.ingest_run(tenant=tenant_a, source="signins")
    assert run.status == RunStatus.SKIPPED


def test_an_expired_lease_can_be_claimed_again(tenant_a):
    schedule = services.schedule_ensure(tenant=tenant_a, source="signins")
    past = timezone.now() - timedelta(hours=1)
    assert services.lease_claim(schedule_id=schedule.pk, owner="a", now=past)
    assert services.lease_claim(schedule_id=schedule.pk, owner="b")
    assert not services.lease_claim(schedule_id=schedule.pk, owner="c")


def test_a_refusal_is_failed_and_not_raised(tenant_a, flaky_sources):
    def refuse(tenant, schedule, run):
        raise services.PermanentIngestError("Sign-in logs need Entra ID P1")

    flaky_sources("refusing", refuse)
    run = services.ingest_run(tenant=tenant_a, source="refusing")
    assert run.status == RunStatus.FAILED
    assert "Entra ID P1" in run.error
    schedule = IngestSchedule.objects.get(tenant=tenant_a, source="refusing")
    assert schedule.lease_owner == "" and schedule.last_success_at is None


def test_a_crash_is_errored_re_raised_and_releases_the_lease(tenant_a, flaky_sources):
    def crash(tenant, schedule, run):
        raise RuntimeError("boom")

    flaky_sources("crashing", crash)
    with pytest.raises(RuntimeError):
        services.ingest_run(tenant=tenant_a, source="crashing")
    assert IngestRun.objects.get(source="crashing").status == RunStatus.ERRORED
    assert IngestSchedule.objects.get(source="crashing").lease_owner == ""


def test_an_errored_run_is_due_again_in_ten_minutes_a_failed_one_at_the_interval(
        tenant_a, flaky_sources, settings):
    """A Celery retry published while the broker is down is lost; the schedule itself
    brings an errored source back soon. A refusal (no licence, no role) is not hurried."""
    settings.READINESS_INGEST_INTERVAL = timedelta(hours=1)

    def crash(tenant, schedule, run):
        raise RuntimeError("boom")

    def refuse(tenant, schedule, run):
        raise services.PermanentIngestError("no role")

    flaky_sources("crashing", crash)
    flaky_sources("refusing", refuse)
    with pytest.raises(RuntimeError):
        services.ingest_run(tenant=tenant_a, source="crashing")
    services.ingest_run(tenant=tenant_a, source="refusing")
    now = timezone.now()
    errored = IngestSchedule.objects.get(source="crashing").next_run_at - now
    failed = IngestSchedule.objects.get(source="refusing").next_run_at - now
    assert timedelta(minutes=9) < errored <= timedelta(minutes=10)
    assert timedelta(minutes=59) < failed <= timedelta(hours=1)


def test_success_moves_next_run_forward_and_records_counts(tenant_a, flaky_sources):
    flaky_sources("fine", lambda tenant, schedule, run: {"rows": 3})
    run = services.ingest_run(tenant=tenant_a, source="fine")
    schedule = IngestSchedule.objects.get(source="fine")
    assert run.status == RunStatus.OK and run.counts == {"rows": 3}
    assert schedule.next_run_at > timezone.now()
    assert schedule.last_success_at is not None


def test_dispatch_only_picks_due_unleased_schedules(tenant_a, tenant_b):
    due = services.schedule_ensure(tenant=tenant_a, source="signins")
    later = services.schedule_ensure(tenant=tenant_b, source="signins")
    IngestSchedule.objects.filter(pk=later.pk).update(
        next_run_at=timezone.now() + timedelta(hours=1))
    picked = services.schedules_due()
    assert [s.pk for s in picked] == [due.pk]


def test_dispatch_sends_the_longest_overdue_first_when_more_are_due_than_a_batch(
        tenant_a, tenant_b, monkeypatch):
    """With more due than one tick sends, the next tick must not pick the same ones
    again (they wait in the queue, still due) while the rest starve (the soak's 1,000)."""
    now = timezone.now()
    recent = services.schedule_ensure(tenant=tenant_a, source="signins")
    oldest = services.schedule_ensure(tenant=tenant_a, source="exchange")
    never = services.schedule_ensure(tenant=tenant_b, source="signins")
    IngestSchedule.objects.filter(pk=recent.pk).update(next_run_at=now - timedelta(minutes=1))
    IngestSchedule.objects.filter(pk=oldest.pk).update(next_run_at=now - timedelta(hours=2))
    IngestSchedule.objects.filter(pk=never.pk).update(next_run_at=None)
    monkeypatch.setattr(services, "DISPATCH_BATCH", 2, raising=False)
    assert [s.pk for s in services.schedules_due()] == [never.pk, oldest.pk]


def test_dispatch_records_the_beat_tick_even_when_nothing_is_due(db):
    from django.core.cache import cache

    from readiness.ingestion.tasks import BEAT_TICK_KEY

    cache.delete(BEAT_TICK_KEY)
    assert dispatch() == 0
    assert cache.get(BEAT_TICK_KEY)


def test_a_duplicate_scheduled_ingest_skips_as_not_due_but_a_retry_runs(tenant_a,
                                                                        flaky_sources):
    from readiness.ingestion.tasks import ingest_tenant

    flaky_sources("fake", lambda tenant, schedule, run: {"rows": 1})
    assert services.ingest_run(tenant=tenant_a, source="fake").status == RunStatus.OK
    duplicate = services.ingest_run(tenant=tenant_a, source="fake")
    assert duplicate.status == RunStatus.SKIPPED and "duplicate dispatch" in duplicate.error
    # Celery's retry of an errored run (the errored run moved the schedule on) still runs.
    ingest_tenant.apply(args=[tenant_a.pk, "fake"], retries=1)
    latest = IngestRun.objects.filter(tenant=tenant_a, source="fake").first()
    assert latest.status == RunStatus.OK and latest.triggered_by == "retry"

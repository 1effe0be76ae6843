"""No job stays stuck: stale imports, deletions and ingests are re-queued once, then
failed with "worker lost"; the file can then be imported again or deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from readiness.imports import services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.ingestion import services as ingestion
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun, IngestSchedule
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(hours=2)


def _stuck(tenant, status, **fields):
    return ReportImport.objects.create(tenant=tenant, file_name="r.csv", sha256="a" * 64,
                                       stored_path=fields.pop("stored_path", "t/r.csv"),
                                       status=status, heartbeat_at=LONG_AGO, **fields)


def _sweep_all() -> list[str]:
    return [services.stuck_sweep(report=r) for r in services.stuck_imports()]


def test_a_stuck_import_is_requeued_once_then_failed_and_the_file_is_free_again(
        django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    from readiness.imports import tasks
    monkeypatch.setattr(tasks.apply_report, "delay", lambda *a: queued.append(a))
    tenant = TenantFactory()
    report = _stuck(tenant, ImportStatus.IMPORTING, progress_done=51, progress_total=100)
    with django_capture_on_commit_callbacks(execute=True):
        assert _sweep_all() == ["requeued"]
    assert queued == [(report.pk,)]
    assert _sweep_all() == []  # the re-queue beat its heart: not stale yet
    ReportImport.objects.filter(pk=report.pk).update(heartbeat_at=LONG_AGO)
    assert _sweep_all() == ["failed"]
    report.refresh_from_db()
    assert report.status == ImportStatus.FAILED and "worker" in report.error
    assert report.sweeps == 2 and queued == [(report.pk,)]  # never re-queued twice
    # The user is not locked out: no "already imported", and delete is allowed.
    assert services.live_import(tenant=tenant, sha256=report.sha256) is None
    assert services.report_delete_request(report=report, actor=None)


def test_a_stuck_deletion_goes_back_to_imported_with_a_message(monkeypatch):
    from readiness.imports import tasks
    monkeypatch.setattr(tasks.delete_report, "delay", lambda *a: None)
    report = _stuck(TenantFactory(), ImportStatus.DELETING, imported_at=LONG_AGO, sweeps=1)
    assert _sweep_all() == ["failed"]
    report.refresh_from_db()
    assert report.status == ImportStatus.IMPORTED and "Delete it again" in report.error


def test_a_command_line_import_cannot_be_redone_so_it_fails_at_once():
    report = _stuck(TenantFactory(), ImportStatus.IMPORTING, stored_path="")
    assert _sweep_all() == ["failed"]
    assert ReportImport.objects.get(pk=report.pk).status == ImportStatus.FAILED


def test_a_live_import_is_left_alone_and_two_sweepers_act_once():
    tenant = TenantFactory()
    fresh = ReportImport.objects.create(tenant=tenant, file_name="f.csv", sha256="b" * 64,
                                        status=ImportStatus.IMPORTING)
    stale = _stuck(tenant, ImportStatus.PARSING, stored_path="", sweeps=1)
    seen = services.stuck_imports()
    assert [r.pk for r in seen] == [stale.pk]
    assert services.stuck_sweep(report=seen[0]) == "failed"
    assert services.stuck_sweep(report=seen[0]) == ""  # the second sweeper saw old state
    assert ReportImport.objects.get(pk=fresh.pk).status == ImportStatus.IMPORTING


def test_already_imported_counts_only_completed_imports():
    tenant = TenantFactory()
    running = _stuck(tenant, ImportStatus.IMPORTING)
    assert "being imported" in str(services.AlreadyImported(running))
    running.status, running.imported_at = ImportStatus.IMPORTED, timezone.now()
    assert "already imported" in str(services.AlreadyImported(running))


def test_a_stale_ingest_run_is_requeued_once_and_frees_its_lease():
    tenant = TenantFactory()
    schedule = ingestion.schedule_ensure(tenant=tenant, source="signins")
    assert ingestion.lease_claim(schedule_id=schedule.pk, owner="dead-worker")
    run = IngestRun.objects.create(tenant=tenant, source="signins", lease_owner="dead-worker",
                                   heartbeat_at=LONG_AGO)
    stale = ingestion.runs_stale()
    assert [r.pk for r in stale] == [run.pk]
    assert ingestion.run_sweep(run=stale[0]) is True
    assert ingestion.run_sweep(run=stale[0]) is False  # a second sweeper: no-op
    run.refresh_from_db()
    assert run.status == RunStatus.ERRORED and run.error.startswith("Worker lost")
    assert run.counts == {"swept": 1}
    assert IngestSchedule.objects.get(pk=schedule.pk).lease_owner == ""
    again = IngestRun.objects.create(tenant=tenant, source="signins",
                                     triggered_by=ingestion.SWEEPER, heartbeat_at=LONG_AGO)
    assert ingestion.run_sweep(run=again) is False  # a re-queued run is not re-queued again
    again.refresh_from_db()
    assert "not again" in again.error


def test_a_late_finish_does_not_overwrite_the_sweepers_verdict():
    tenant = TenantFactory()
    schedule = ingestion.schedule_ensure(tenant=tenant, source="signins")
    run = IngestRun.objects.create(tenant=tenant, source="signins", heartbeat_at=LONG_AGO)
    ingestion.run_sweep(run=run)
    ingestion._finish(run, schedule, RunStatus.OK, counts={"signins_read": 1})
    assert IngestRun.objects.get(pk=run.pk).status == RunStatus.ERRORED


def test_the_sweepers_are_scheduled_by_beat():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    assert {"imports.sweep_stuck", "ingestion.sweep_runs"} <= tasks

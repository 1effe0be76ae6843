"""Celery adapters: fetch by id, call a service. Tasks own retries; services own logic.

A rejected file is a permanent outcome recorded on the ReportImport, never retried.
Only a lost database connection is retried (RetryingTask: Celery's autoretry with
jittered backoff); anything else marks the import failed.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext_noop

from readiness.core.tasks import DATABASE_LOST, RetryingTask
from readiness.imports import inbox, services
from readiness.imports.choices import ImportStatus
from readiness.imports.models import ReportImport
from readiness.imports.storage import orphans_sweep
from readiness.tenancy.language import user_language

logger = logging.getLogger(__name__)


def _run(task, service, report_id: int) -> str:
    report = ReportImport.objects.filter(pk=report_id).select_related("tenant").first()
    if report is None:
        return "gone"
    # A rejection is stored as text and read by the person who uploaded the file: write
    # it in their language (docs/i18n.md).
    with translation.override(_uploader_language(report)):
        return _run_service(task, service, report, report_id)


def _uploader_language(report: ReportImport) -> str:
    if report.uploaded_by_id is None:
        return settings.LANGUAGE_CODE
    return user_language(report.uploaded_by) or settings.LANGUAGE_CODE


def _run_service(task, service, report: ReportImport, report_id: int) -> str:
    try:
        return service(report=report).status
    except DATABASE_LOST:
        if task.request.retries >= task.max_retries:  # autoretry gives up after this one
            services.report_fail(report=report, error=gettext_noop(
                "The database was unavailable."))
        raise  # autoretry_for: retried with Celery's backoff
    except services.AlreadyImported as exc:
        services.report_fail(report=report, error=str(exc))
        return "duplicate"
    except Exception:
        logger.exception("import %s broke", report_id)
        # Stored in English; the page translates it ({% translate report.error %}).
        services.report_fail(report=report, error=gettext_noop(
            "The import failed because of an internal error. Nothing was changed; try again "
            "or contact support."))
        raise


@shared_task(bind=True, base=RetryingTask, name="imports.inspect_report",
             autoretry_for=DATABASE_LOST, soft_time_limit=1800, time_limit=1860)
def inspect_report(self, report_id: int) -> str:
    return _run(self, services.report_inspect, report_id)


@shared_task(bind=True, base=RetryingTask, name="imports.apply_report",
             autoretry_for=DATABASE_LOST, soft_time_limit=1800, time_limit=1860)
def apply_report(self, report_id: int) -> str:
    return _run(self, services.report_apply, report_id)


@shared_task(name="imports.scan_inbox", acks_late=True, soft_time_limit=3000, time_limit=3060,
             ignore_result=True)
def scan_inbox() -> dict:
    """Beat runs this every minute; claims are atomic, so overlapping scans are safe."""
    return inbox.inbox_scan()


@shared_task(name="imports.sweep_stuck", acks_late=True, soft_time_limit=50, time_limit=60,
             ignore_result=True)
def sweep_stuck() -> dict:
    """Beat runs this every minute: imports and deletions whose worker died (no heartbeat
    for READINESS_STALE_AFTER) are re-queued once, then failed so the user can act."""
    outcomes: dict[str, int] = {}
    for report in services.stuck_imports():
        outcome = services.stuck_sweep(report=report) or "moved on"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if outcomes:
        logger.warning("stuck imports swept: %s", outcomes)
    return outcomes


@shared_task(name="imports.sweep_orphans", ignore_result=True)
def sweep_orphans() -> int:
    """Hourly: killed uploads' temporary files and unreferenced stored reports."""
    deleted = orphans_sweep(older_than=settings.UPLOAD_ORPHAN_MAX_AGE)
    if deleted:
        logger.info("swept %d orphan upload file(s)", len(deleted))
    return len(deleted)


@shared_task(bind=True, base=RetryingTask, name="imports.delete_report",
             autoretry_for=DATABASE_LOST, soft_time_limit=1800, time_limit=1860)
def delete_report(self, report_id: int, actor_id: int | None, ip: str = "") -> str:
    report = ReportImport.objects.filter(pk=report_id).select_related("tenant").first()
    if report is None or report.status != ImportStatus.DELETING:
        return "nothing to delete"
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    # A lost database is retried by autoretry_for; a worker lost mid-way, by the sweeper.
    services.report_delete(report=report, actor=actor, ip=ip, source="task")
    return "deleted"

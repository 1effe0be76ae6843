"""Ingest orchestration: leases, due schedules and run records.

Sources plug in through `SOURCES`: a callable `(tenant, schedule, run) -> dict` that
does the work and returns counts. It raises `PermanentIngestError` when the remote
side refuses (recorded as "failed", not retried) and anything else when something
broke (recorded as "errored", retried by the task).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun, IngestSchedule
from readiness.senders.services import after_usage_change
from readiness.tenancy.models import Tenant

logger = logging.getLogger(__name__)
LEASE_DURATION = timedelta(minutes=15)
# An errored run is due again this soon (or at the interval, if shorter). Celery retries
# it sooner, but a retry published while the broker was down is lost (Redis restart):
# without this the tenant would wait a whole interval.
ERRORED_DUE_AGAIN = timedelta(minutes=10)
DISPATCH_BATCH = 500


class PermanentIngestError(Exception):
    """The remote side said no (bad credentials, no licence, no permission)."""

    def __init__(self, message: str, *, status: str = RunStatus.FAILED):
        super().__init__(message)
        self.status = status


class TransientIngestError(Exception):
    """Throttling or an outage outlasted the clients' retries: recorded as "errored"
    with the fault named (no traceback: nothing is broken), and retried by the task."""


SourceFn = Callable[[Tenant, IngestSchedule, IngestRun], dict]
SOURCES: dict[str, SourceFn] = {}


def register_source(name: str) -> Callable[[SourceFn], SourceFn]:
    def decorator(fn: SourceFn) -> SourceFn:
        SOURCES[name] = fn
        return fn

    return decorator


def schedule_ensure(*, tenant: Tenant, source: str) -> IngestSchedule:
    schedule, _ = IngestSchedule.objects.get_or_create(
        tenant=tenant, source=source, defaults={"next_run_at": timezone.now()}
    )
    return schedule


def schedules_due(*, now=None) -> list[IngestSchedule]:
    now = now or timezone.now()
    due = Q(next_run_at__lte=now) | Q(next_run_at__isnull=True)
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    # At most 500 a tick, the longest overdue first: with more due than that, the next
    # tick starts where this one stopped instead of re-sending the same 500.
    return list(
        IngestSchedule.objects.filter(due & free, enabled=True).select_related("tenant")
        .order_by(F("next_run_at").asc(nulls_first=True), "pk")[:DISPATCH_BATCH]
    )


def lease_claim(*, schedule_id: int, owner: str, now=None, due_only: bool = False) -> bool:
    """Claim the lease with a conditional UPDATE that must change exactly one row.
    `due_only`: a scheduled ingest also needs the schedule to be due, so a duplicate
    dispatch (beat started twice, a redelivered message) cannot ingest twice in a row."""
    now = now or timezone.now()
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    if due_only:
        free &= Q(next_run_at__lte=now) | Q(next_run_at__isnull=True)
    claimed = IngestSchedule.objects.filter(free, pk=schedule_id).update(
        lease_owner=owner, lease_expires_at=now + LEASE_DURATION
    )
    return claimed == 1


def skip_reason(*, schedule_id: int) -> str:
    schedule = IngestSchedule.objects.get(pk=schedule_id)
    now = timezone.now()
    if schedule.lease_expires_at and schedule.lease_expires_at > now:
        return "Another ingest of this tenant and source is running."
    return (f"Not due: already ingested; next run at {schedule.next_run_at:%Y-%m-%d %H:%M} UTC "
            "(a duplicate dispatch).")


def lease_release(*, schedule_id: int, owner: str) -> None:
    """Free the lease; when the database dropped our connection mid-ingest, reconnect
    once, or the lease would block every retry until it expires."""
    for attempt in range(2):
        try:
            IngestSchedule.objects.filter(pk=schedule_id, lease_owner=owner).update(
                lease_owner="", lease_expires_at=None)
            return
        except (OperationalError, InterfaceError):
            if attempt or connection.in_atomic_block:
                raise
            connection.close()


def ingest_run(*, tenant: Tenant, source: str, triggered_by: str = "schedule") -> IngestRun:
    """Run one source for one tenant under its lease; always returns the run record."""
    schedule = schedule_ensure(tenant=tenant, source=source)
    owner = uuid.uuid4().hex
    if not lease_claim(schedule_id=schedule.pk, owner=owner,
                       due_only=triggered_by == "schedule"):
        return IngestRun.objects.create(
            tenant=tenant, source=source, status=RunStatus.SKIPPED,
            finished_at=timezone.now(), triggered_by=triggered_by,
            error=skip_reason(schedule_id=schedule.pk),
        )
    try:
        schedule.refresh_from_db()
        return _execute(tenant, schedule, triggered_by, owner)
    finally:
        lease_release(schedule_id=schedule.pk, owner=owner)


def _execute(tenant: Tenant, schedule: IngestSchedule, triggered_by: str,
             owner: str) -> IngestRun:
    run = IngestRun.objects.create(tenant=tenant, source=schedule.source,
                                   triggered_by=triggered_by, lease_owner=owner)
    fn = SOURCES.get(schedule.source)
    try:
        if fn is None:
            raise PermanentIngestError(f"No ingest source named {schedule.source!r}")
        counts = fn(tenant, schedule, run) or {}
        status = RunStatus.PARTIAL if counts.get("possibly_truncated") else RunStatus.OK
        _finish(run, schedule, status, counts=counts)
    except PermanentIngestError as exc:
        _finish(run, schedule, exc.status, error=str(exc))
    except TransientIngestError as exc:
        logger.warning("Ingest %s for %s: %s", schedule.source, tenant.slug, exc)
        _finish(run, schedule, RunStatus.ERRORED, error=str(exc))
        raise
    except Exception as exc:
        logger.exception("Ingest %s for %s errored", schedule.source, tenant.slug)
        _finish(run, schedule, RunStatus.ERRORED, error=f"{type(exc).__name__}: {exc}")
        raise
    if run.status in (RunStatus.OK, RunStatus.PARTIAL):
        after_usage_change(tenant=tenant)
    return run


def _finish(run: IngestRun, schedule: IngestSchedule, status: str, *, counts=None,
            error: str = "") -> None:
    now = timezone.now()
    with transaction.atomic():
        if IngestRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=status) == 0:
            return  # the sweeper already declared this run lost; its verdict stands
        run.status, run.finished_at, run.error = status, now, error
        run.counts = counts or run.counts
        run.save(update_fields=["status", "finished_at", "error", "counts"])
        schedule.last_status = status
        schedule.last_message = error
        schedule.next_run_at = now + next_run_after(status)
        fields = ["last_status", "last_message", "next_run_at"]
        if status in (RunStatus.OK, RunStatus.PARTIAL):
            schedule.last_success_at = now
            fields.append("last_success_at")
        schedule.save(update_fields=fields)


def next_run_after(status: str) -> timedelta:
    interval = settings.READINESS_INGEST_INTERVAL
    return min(interval, ERRORED_DUE_AGAIN) if status == RunStatus.ERRORED else interval


# --- heartbeats and the sweeper: no run stays "running" after its worker died -------------

SWEEPER = "sweeper"  # triggered_by of a run the sweeper re-queued (it is not re-queued again)


def run_heartbeat(*, run: IngestRun) -> None:
    IngestRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        heartbeat_at=timezone.now())


def runs_stale(*, now=None) -> list[IngestRun]:
    cutoff = (now or timezone.now()) - settings.READINESS_STALE_AFTER
    return list(IngestRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
                .select_related("tenant")[:500])


def run_sweep(*, run: IngestRun, now=None) -> bool:
    """Declare one stale run lost: errored "worker lost", its lease freed. True when this
    call won (the conditional UPDATE makes two sweepers harmless) and the run should be
    re-queued: once, never a run that was itself a re-queue."""
    now = now or timezone.now()
    requeue = run.triggered_by != SWEEPER
    error = ("Worker lost: no heartbeat since "
             f"{run.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC; "
             + ("re-queued once." if requeue else "already re-queued once, not again."))
    with transaction.atomic():
        won = IngestRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING,
                                       heartbeat_at=run.heartbeat_at).update(
            status=RunStatus.ERRORED, finished_at=now, error=error,
            counts={**run.counts, "swept": 1})
        if won and run.lease_owner:
            IngestSchedule.objects.filter(tenant_id=run.tenant_id, source=run.source,
                                          lease_owner=run.lease_owner).update(
                lease_owner="", lease_expires_at=None, last_status=RunStatus.ERRORED,
                last_message=error)
    if won:
        logger.warning("Ingest %s for %s: %s", run.source, run.tenant.slug, error)
    return bool(won) and requeue

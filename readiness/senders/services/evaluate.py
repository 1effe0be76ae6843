"""The periodic workflow pass: regression, automatic verification, exception expiry and
"a never-seen sender started using Basic". Run by the `senders.evaluate_workflow` task
every 15 minutes and after each ingest/import. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from readiness.senders import selectors
from readiness.senders.choices import WATCHED_STATUSES, ExceptionKind, SenderStatus
from readiness.senders.models import Sender, SenderException
from readiness.senders.services import messages
from readiness.senders.services.watch import senders_watch
from readiness.senders.services.workflow import TransitionRefused, sender_transition
from readiness.tenancy.models import Tenant
from readiness.usage.choices import AuthMethod
from readiness.usage.models import DailyUsage
from readiness.usage.rollups import usage_rollups_refresh

# A sender whose first Basic day is older than this is not "new" news any more.
NEW_BASIC_WINDOW_DAYS = 7


def workflow_evaluate(*, tenant: Tenant, today: date | None = None) -> dict[str, int]:
    today = today or timezone.now().date()
    return {
        "regressed": senders_regress(tenant=tenant, today=today),
        "verified": senders_verify(tenant=tenant, today=today),
        "exceptions_expired": exceptions_expire(tenant=tenant, today=today),
        "new_basic": senders_new_basic_notify(tenant=tenant, today=today),
        **senders_watch(tenant=tenant, today=today),
    }


def after_usage_change(*, tenant: Tenant, days: int = 35) -> None:
    """What follows every successful ingest, import or import deletion, in this order:
    the workflow pass (regressions, verification, new Basic senders), then the dashboard
    rollups of the last `days` days, which count senders by status."""
    workflow_evaluate(tenant=tenant)
    usage_rollups_refresh(tenant=tenant, days=days)


def _basic_activity():
    # A failed Basic sign-in still means the device tries Basic: it counts.
    return Q(messages__gt=0) | Q(signins__gt=0) | Q(failed_signins__gt=0)


def senders_regress(*, tenant: Tenant, today: date) -> int:
    """Migrated/verified senders with Basic usage on a day after their status change."""
    basic_after = DailyUsage.objects.filter(
        _basic_activity(), sender=OuterRef("pk"), auth_method=AuthMethod.BASIC,
        day__gt=OuterRef("changed_day"), day__lte=today)
    candidates = (Sender.objects.for_tenant(tenant).filter(status__in=WATCHED_STATUSES)
                  .annotate(changed_day=TruncDate("status_changed_at"))
                  .filter(Exists(basic_after)))
    count = 0
    for sender in candidates:
        if _system_transition(tenant, sender, SenderStatus.REGRESSED,
                              "Basic authentication seen again after the change."):
            count += 1
            _on_commit_regressed(sender.pk)
    return count


def senders_verify(*, tenant: Tenant, today: date) -> int:
    """Migrated for more than N days, every one of the last N days covered by data, and
    no Basic usage since the change: verified. Without coverage it stays migrated."""
    days = tenant.verify_after_days
    start, end = today - timedelta(days=days), today - timedelta(days=1)
    if not selectors.coverage_complete(tenant=tenant, start=start, end=end):
        return 0
    basic_after = DailyUsage.objects.filter(
        _basic_activity(), sender=OuterRef("pk"), auth_method=AuthMethod.BASIC,
        day__gt=OuterRef("changed_day"))
    candidates = (Sender.objects.for_tenant(tenant)
                  .filter(status=SenderStatus.MIGRATED, status_changed_at__isnull=False)
                  .annotate(changed_day=TruncDate("status_changed_at"))
                  .filter(changed_day__lt=start).exclude(Exists(basic_after)))
    comment = f"No Basic usage in any source for {days} covered days."
    return sum(_system_transition(tenant, s, SenderStatus.VERIFIED, comment) for s in candidates)


def exceptions_expire(*, tenant: Tenant, today: date) -> int:
    """End exceptions past their expiry day. A sender still in status "exception"
    re-opens as "triaged": it never migrated, so it is back in the queue, not regressed."""
    expired = list(SenderException.objects.for_tenant(tenant)
                   .filter(ended_at__isnull=True, expires_on__lt=today)
                   .select_related("sender"))
    for exception in expired:
        with transaction.atomic():
            SenderException.objects.filter(pk=exception.pk, ended_at__isnull=True).update(
                ended_at=timezone.now(), ended_reason="expired")
            sender = exception.sender
            if exception.kind == ExceptionKind.STATUS and sender.status == SenderStatus.EXCEPTION:
                _system_transition(tenant, sender, SenderStatus.TRIAGED,
                                   f"Exception expired on {exception.expires_on}.")
            _on_commit_expired(exception.pk)
    return len(expired)


def senders_new_basic_notify(*, tenant: Tenant, today: date) -> int:
    """Senders still "new" whose first Basic day is recent: one digest, once per sender."""
    since = today - timedelta(days=NEW_BASIC_WINDOW_DAYS)
    # The first Basic day per sender is aggregated on its own, then the senders are
    # read by id: in one statement, with statistics older than a large import, the
    # planner re-ran the aggregate (or the join) once per sender (100 s for 3,000
    # senders, bench/README.md).
    recent = list(DailyUsage.objects.for_tenant(tenant).filter(auth_method=AuthMethod.BASIC)
                  .values("sender_id").annotate(first_basic=Min("day"))
                  .filter(first_basic__gte=since).values_list("sender_id", flat=True))
    ids = list(Sender.objects.for_tenant(tenant).filter(
        status=SenderStatus.NEW, pk__in=recent).values_list("pk", flat=True)) if recent else []
    return messages.senders_new_basic(tenant=tenant, sender_ids=ids)


def _system_transition(tenant, sender, to_status, comment) -> bool:
    try:
        sender_transition(tenant=tenant, sender=sender, to_status=to_status, actor=None,
                          comment=comment, source="task", system=True)
    except TransitionRefused:
        return False  # changed meanwhile: the next pass looks again
    return True


def _on_commit_regressed(sender_id: int) -> None:
    transaction.on_commit(lambda: messages.sender_regressed(sender_id=sender_id))


def _on_commit_expired(exception_id: int) -> None:
    transaction.on_commit(lambda: messages.exception_expired(exception_id=exception_id))

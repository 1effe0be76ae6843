"""The sender status machine (choices.ALLOWED_TRANSITIONS), guarded by a conditional
UPDATE so two concurrent transitions from the same status cannot both win."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from readiness.senders import whatif
from readiness.senders.choices import (
    ALLOWED_TRANSITIONS,
    SYSTEM_ONLY_STATUSES,
    ExceptionKind,
    SenderStatus,
)
from readiness.senders.models import Sender, SenderException, SenderStatusChange
from readiness.senders.services import messages
from readiness.tenancy import scoping
from readiness.tenancy.audit import audit_record
from readiness.tenancy.choices import Capability
from readiness.tenancy.models import Tenant
from readiness.usage.tasks import tenant_rollup_refresh_task


class TransitionRefused(Exception):
    """The transition is impossible or lost a race; `reason` says which, for people."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ExceptionTerms:
    approver: object  # a user with MANAGE on the tenant
    reason: str
    expires_on: date


def _label(status: str) -> str:
    return str(SenderStatus(status).label) if status in SenderStatus.values else status


def transition_refusal(from_status: str, to_status: str, *, system: bool = False) -> str | None:
    """Why from → to is refused, or None when it is allowed."""
    if to_status not in SenderStatus.values:
        return _("“%(status)s” is not a sender status.") % {"status": to_status}
    if from_status == to_status:
        return _("The sender is already %(status)s.") % {"status": _label(to_status)}
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, ()):
        return (_("%(from)s → %(to)s is not an allowed transition.")
                % {"from": _label(from_status), "to": _label(to_status)})
    if to_status in SYSTEM_ONLY_STATUSES and not system:
        return (_("%(status)s is set by the workflow from usage data, not by hand (no data "
                  "is not proof).") % {"status": _label(to_status)})
    return None


def exception_terms_refusal(*, tenant: Tenant, terms: ExceptionTerms | None,
                            today: date) -> str | None:
    if terms is None:
        return _("An exception needs an approver, a reason and an expiry date.")
    if terms.approver is None or not scoping.can(terms.approver, tenant, Capability.MANAGE):
        return _("The approver must be a manager of this tenant.")
    if not (terms.reason or "").strip():
        return _("An exception needs a reason.")
    if terms.expires_on is None or terms.expires_on <= today:
        return _("An exception needs an expiry date in the future.")
    return None


@transaction.atomic
def sender_transition(*, tenant: Tenant, sender: Sender, to_status: str, actor,
                      comment: str = "", source: str = "web", ip: str = "",
                      exception: ExceptionTerms | None = None,
                      system: bool = False) -> SenderStatusChange:
    """Move `sender` from the status the caller saw (sender.status) to `to_status`.

    Raises TransitionRefused when the pair is not allowed, when an exception lacks its
    terms, or when someone else changed the status meanwhile (the UPDATE matched 0 rows).
    """
    if sender.tenant_id != tenant.pk:
        raise TransitionRefused(_("This sender does not belong to the tenant."))
    from_status = sender.status
    reason = transition_refusal(from_status, to_status, system=system)
    if reason is None and to_status == SenderStatus.EXCEPTION:
        reason = exception_terms_refusal(tenant=tenant, terms=exception,
                                         today=timezone.now().date())
    if reason:
        raise TransitionRefused(reason)
    now = timezone.now()
    won = Sender.objects.for_tenant(tenant).filter(pk=sender.pk, status=from_status).update(
        status=to_status, status_changed_at=now)
    if won != 1:
        raise TransitionRefused(
            _("%(address)s is no longer %(status)s: it was changed meanwhile.")
            % {"address": sender.address, "status": _label(from_status)})
    sender.status, sender.status_changed_at = to_status, now
    change = SenderStatusChange.objects.create(
        tenant=tenant, sender=sender, from_status=from_status, to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source, comment=comment)
    _exception_follow(tenant=tenant, sender=sender, from_status=from_status,
                      to_status=to_status, terms=exception)
    audit_record(actor=actor, tenant=tenant, action="sender.transition", obj=sender,
                 before={"status": from_status}, after={"status": to_status,
                                                        "comment": comment},
                 ip=ip, source=source)
    _notify_change(change)
    # The portfolio counts migrated senders: refresh its row once this commits.
    transaction.on_commit(partial(_portfolio_refresh, tenant.pk))
    return change


def _portfolio_refresh(tenant_id: int) -> None:
    tenant_rollup_refresh_task.delay(tenant_id)


def _exception_follow(*, tenant, sender, from_status, to_status, terms) -> None:
    if from_status == SenderStatus.EXCEPTION:
        SenderException.objects.filter(
            sender=sender, kind=ExceptionKind.STATUS, ended_at__isnull=True,
        ).update(ended_at=timezone.now(), ended_reason="withdrawn")
    if to_status == SenderStatus.EXCEPTION:
        sender_exception_grant(tenant=tenant, sender=sender, kind=ExceptionKind.STATUS,
                               terms=terms)


def sender_exception_grant(*, tenant: Tenant, sender: Sender, kind: str,
                           terms: ExceptionTerms) -> SenderException:
    """Record (or extend) the one active exception of this kind for the sender."""
    reason = exception_terms_refusal(tenant=tenant, terms=terms, today=timezone.now().date())
    if reason:
        raise TransitionRefused(reason)
    exception, _created = SenderException.objects.update_or_create(
        tenant=tenant, sender=sender, kind=kind, ended_at__isnull=True,
        defaults={"reason": terms.reason.strip(), "approver": terms.approver,
                  "expires_on": terms.expires_on},
    )
    return exception


def _notify_change(change: SenderStatusChange) -> None:
    transaction.on_commit(lambda: messages.sender_status_changed(change_id=change.pk))


@transaction.atomic
def sender_exceptions_track(*, tenant: Tenant, senders: list[Sender], kind: str, reason: str,
                            actor, expires_on: date, source: str = "web",
                            ip: str = "") -> list[SenderException]:
    """Turn what-if exceptions into tracked, expiring ones (approved by `actor`).
    Re-tracking the same sender and kind moves its expiry instead of duplicating it."""
    terms = ExceptionTerms(approver=actor, reason=reason, expires_on=expires_on)
    tracked = [sender_exception_grant(tenant=tenant, sender=s, kind=kind, terms=terms)
               for s in senders if s.tenant_id == tenant.pk]
    audit_record(actor=actor, tenant=tenant, action="sender.exceptions_track",
                 after={"kind": kind, "senders": [e.sender_id for e in tracked],
                        "expires_on": expires_on.isoformat()}, ip=ip, source=source)
    return tracked


def what_if_exceptions_track(*, tenant: Tenant, scenario: str, actor, expires_on: date,
                             source: str = "web", ip: str = "") -> list[SenderException]:
    """Track, until `expires_on`, an exception for every sender the what-if `scenario`
    would break: SMTP AUTH kept on (org-wide off) or Basic kept (Basic off by default)."""
    plan = whatif.what_if_plans(tenant=tenant)[scenario]
    kind = (ExceptionKind.KEEP_SMTP_AUTH if scenario == whatif.ORG_OFF
            else ExceptionKind.KEEP_BASIC)
    return sender_exceptions_track(
        tenant=tenant, senders=[impact.sender for impact in plan.exceptions_proposed], kind=kind,
        reason=f"What-if planner: {plan.title} — kept working while it migrates",
        actor=actor, expires_on=expires_on, source=source, ip=ip)

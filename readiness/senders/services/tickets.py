"""Remediation tickets: creation with derived due date and priority, edits under
optimistic concurrency (version column), assignment, comments and history."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readiness.milestones.choices import Kind
from readiness.milestones.models import Milestone
from readiness.senders.choices import (
    DeviceType,
    MigrationPath,
    SenderStatus,
    TicketEventKind,
    TicketPriority,
)
from readiness.senders.models import Sender, Ticket, TicketComment, TicketEvent
from readiness.senders.selectors import ASSIGNABLE_ROLES
from readiness.senders.services import messages
from readiness.senders.services.workflow import TransitionRefused, sender_transition
from readiness.tenancy.audit import audit_record
from readiness.tenancy.models import Membership, Tenant
from readiness.usage.choices import AuthMethod
from readiness.usage.models import DailyUsage

EDITABLE_FIELDS = ("title", "assignee", "status", "priority", "due_date", "external_id",
                   "external_url")
# Senders in these statuses move to "assigned" when their ticket gets an assignee.
_ASSIGN_FROM = (SenderStatus.NEW, SenderStatus.TRIAGED, SenderStatus.REGRESSED)


class TicketConflict(Exception):
    """The ticket changed since the editor loaded it; `current` holds the fresh row."""

    def __init__(self, current: Ticket):
        who = current.updated_by.get_username() if current.updated_by_id else _("someone")
        super().__init__(_("This ticket was changed by %(who)s meanwhile; review the current "
                           "values and save again.") % {"who": who})
        self.current = current


def assignee_validate(*, tenant: Tenant, user) -> None:
    """Only helpdesk or managers of the tenant (or MSP admins) can hold tickets."""
    if user is None or user.is_superuser:
        return
    if not Membership.objects.for_tenant(tenant).filter(
            user=user, role__in=ASSIGNABLE_ROLES).exists():
        raise ValidationError({"assignee": _("%(user)s is not helpdesk or manager of %(tenant)s.")
                                          % {"user": user, "tenant": tenant}})


def ticket_default_due(*, tenant: Tenant, today: date | None = None) -> date | None:
    """The next deadline/internal milestone minus the tenant's buffer (never before today)."""
    today = today or timezone.now().date()
    milestone = (Milestone.objects.for_tenant(tenant).upcoming(today)
                 .filter(kind__in=(Kind.DEADLINE, Kind.INTERNAL)).order_by("date").first())
    if milestone is None:
        return None
    return max(today, milestone.date - timedelta(days=tenant.due_buffer_days))


def ticket_derive_priority(*, basic_messages_30d: int, due_date: date | None,
                           today: date) -> str:
    """Priority from Basic volume (last 30 days) and the days left until the due date."""
    days_left = (due_date - today).days if due_date else None
    if days_left is not None and (days_left < 0 or (days_left <= 14 and basic_messages_30d)):
        return TicketPriority.URGENT
    if basic_messages_30d >= 500 or (days_left is not None and days_left <= 30):
        return TicketPriority.HIGH
    if basic_messages_30d == 0:
        return TicketPriority.LOW
    return TicketPriority.NORMAL


def _basic_volume(tenant: Tenant, sender_ids: list[int], today: date) -> int:
    total = DailyUsage.objects.for_tenant(tenant).filter(
        sender_id__in=sender_ids, auth_method=AuthMethod.BASIC,
        day__gt=today - timedelta(days=30), day__lte=today,
    ).aggregate(total=Sum("messages"))["total"]
    return total or 0


@transaction.atomic
def ticket_create(*, tenant: Tenant, senders: list[Sender], actor, title: str = "",
                  assignee=None, due_date: date | None = None, priority: str | None = None,
                  source: str = "web", ip: str = "", today: date | None = None) -> Ticket:
    """A ticket for one sender or a group; due date and priority derived unless given."""
    today = today or timezone.now().date()
    if not senders or any(s.tenant_id != tenant.pk for s in senders):
        raise ValidationError(_("A ticket covers one or more senders of this tenant."))
    assignee_validate(tenant=tenant, user=assignee)
    due_date = due_date or ticket_default_due(tenant=tenant, today=today)
    derived = ticket_derive_priority(
        basic_messages_30d=_basic_volume(tenant, [s.pk for s in senders], today),
        due_date=due_date, today=today)
    ticket = Ticket(tenant=tenant, title=title or _default_title(senders), assignee=assignee,
                    due_date=due_date, priority=priority or derived,
                    priority_overridden=bool(priority and priority != derived),
                    created_by=_user(actor), updated_by=_user(actor))
    ticket.full_clean()
    ticket.save()
    ticket.senders.set(senders)
    _event(ticket, TicketEventKind.CREATED, actor, {"title": [None, ticket.title]})
    audit_record(actor=actor, tenant=tenant, action="ticket.create", obj=ticket,
                 after={"senders": [s.pk for s in senders], "assignee": _pk(assignee)},
                 ip=ip, source=source)
    if assignee is not None:
        _assigned_follow(tenant, ticket, actor, source)
    return ticket


def _default_title(senders: list[Sender]) -> str:
    """A group ticket is titled by what its senders have in common (their team, device
    type, migration path, owner or domain), not after whichever sender came first."""
    if len(senders) == 1:
        return _("Migrate %(address)s") % {"address": senders[0].address}
    n = len(senders)
    group = _common_group(senders)
    if group:
        return ngettext("Migrate %(n)d sender: %(group)s", "Migrate %(n)d senders: %(group)s",
                        n) % {"n": n, "group": group}
    return ngettext("Migrate %(n)d sender", "Migrate %(n)d senders", n) % {"n": n}


def _common_group(senders: list[Sender]) -> str:
    def shared(values) -> str:
        values = set(values)
        return values.pop() if len(values) == 1 and "" not in values else ""

    if team := shared(s.team for s in senders):
        return _("team %(team)s") % {"team": team}
    if owner := shared(s.owner_name for s in senders):
        return _("owned by %(owner)s") % {"owner": owner}
    device = shared(s.device_type for s in senders)
    if device and device != DeviceType.UNKNOWN:
        return str(DeviceType(device).label)
    if path := shared(s.migration_path for s in senders):
        return _("to %(path)s") % {"path": MigrationPath(path).label}
    if domain := shared(s.address.rpartition("@")[2] for s in senders):
        return _("at %(domain)s") % {"domain": domain}
    return ""


@transaction.atomic
def ticket_update(*, tenant: Tenant, ticket: Ticket, expected_version: int, changes: dict,
                  actor, source: str = "web", ip: str = "") -> Ticket:
    """Apply `changes` only if the ticket is still at `expected_version`.

    The conditional UPDATE (pk + version) changes exactly one row or none: on none the
    caller gets TicketConflict with the current row — never a silent overwrite.
    """
    changes = _validated_changes(tenant, ticket, changes)
    if not changes:
        return ticket
    won = Ticket.objects.for_tenant(tenant).filter(pk=ticket.pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_by=_user(actor), updated_at=timezone.now())
    fresh = Ticket.objects.select_related("updated_by", "assignee").get(pk=ticket.pk)
    if won != 1:
        raise TicketConflict(fresh)
    diff = {k: [_pk(getattr(ticket, k)), _pk(v)] for k, v in changes.items()}
    kind = TicketEventKind.ASSIGNED if set(changes) <= {"assignee"} else TicketEventKind.CHANGED
    _event(fresh, kind, actor, diff)
    audit_record(actor=actor, tenant=tenant, action="ticket.update", obj=fresh,
                 before={k: v[0] for k, v in diff.items()},
                 after={k: v[1] for k, v in diff.items()}, ip=ip, source=source)
    if "assignee" in changes and changes["assignee"] is not None:
        _assigned_follow(tenant, fresh, actor, source)
    return fresh


def _validated_changes(tenant: Tenant, ticket: Ticket, changes: dict) -> dict:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Not editable: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    real = {k: v for k, v in changes.items() if _pk(getattr(ticket, k)) != _pk(v)}
    if "assignee" in real:
        assignee_validate(tenant=tenant, user=real["assignee"])
    candidate = copy.copy(ticket)
    for name, value in real.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["tenant", "updated_by", "created_by"])
    if "priority" in real:
        real["priority_overridden"] = True
    return real


def ticket_assign(*, tenant: Tenant, ticket: Ticket, assignee, actor,
                  expected_version: int | None = None, source: str = "web",
                  ip: str = "") -> Ticket:
    """Assign under the version the caller saw: of two simultaneous assignments exactly
    one wins, the other gets TicketConflict."""
    version = ticket.version if expected_version is None else expected_version
    return ticket_update(tenant=tenant, ticket=ticket, expected_version=version,
                         changes={"assignee": assignee}, actor=actor, source=source, ip=ip)


@transaction.atomic
def ticket_comment(*, tenant: Tenant, ticket: Ticket, body: str, actor,
                   source: str = "web", ip: str = "") -> TicketComment:
    if ticket.tenant_id != tenant.pk:
        raise ValidationError(_("This ticket does not belong to the tenant."))
    if not (body or "").strip():
        raise ValidationError({"body": _("A comment cannot be empty.")})
    comment = TicketComment.objects.create(tenant=tenant, ticket=ticket, author=_user(actor),
                                           body=body.strip())
    _event(ticket, TicketEventKind.COMMENTED, actor, {})
    audit_record(actor=actor, tenant=tenant, action="ticket.comment", obj=ticket,
                 ip=ip, source=source)
    return comment


def _assigned_follow(tenant: Tenant, ticket: Ticket, actor, source: str) -> None:
    for sender in ticket.senders.filter(status__in=_ASSIGN_FROM):
        try:
            sender_transition(tenant=tenant, sender=sender, to_status=SenderStatus.ASSIGNED,
                              actor=actor, comment=f"Ticket #{ticket.pk} assigned",
                              source=source)
        except TransitionRefused:
            continue  # changed meanwhile: the ticket assignment still stands
    transaction.on_commit(lambda: messages.ticket_assigned(ticket_id=ticket.pk))


def _event(ticket: Ticket, kind: str, actor, changes: dict) -> TicketEvent:
    return TicketEvent.objects.create(tenant_id=ticket.tenant_id, ticket=ticket, kind=kind,
                                      actor=_user(actor), changes=changes,
                                      version=ticket.version)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _pk(value):
    if hasattr(value, "pk"):
        return value.pk
    return value.isoformat() if isinstance(value, date) else value



"""Workflow demo data: owners, teams, device links, paths, tickets in every status,
senders in every workflow status and exactly ONE regression. No webhooks.

Deterministic (driven by the sorted sender addresses) and idempotent: a tenant that
already has demo workflow data is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from readiness.senders.choices import MigrationPath, SenderStatus, TicketStatus
from readiness.senders.models import DeviceModel, Sender, SenderStatusChange, Ticket
from readiness.senders.services import (
    ExceptionTerms,
    sender_transition,
    senders_regress,
    ticket_create,
    ticket_update,
)
from readiness.tenancy.models import Membership, Tenant

S = SenderStatus
WALKS = {
    S.NEW: [], S.TRIAGED: [S.TRIAGED], S.ASSIGNED: [S.TRIAGED, S.ASSIGNED],
    S.IN_PROGRESS: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS],
    S.MIGRATED: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.MIGRATED],
    S.VERIFIED: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.MIGRATED, S.VERIFIED],
    S.EXCEPTION: [S.TRIAGED, S.EXCEPTION], S.WONT_FIX: [S.WONT_FIX],
}
# Senders still using Basic cycle through the open statuses; the ones that stopped
# cycle through the finished ones, so the demo never contradicts its own usage data.
STILL_BASIC = [S.NEW, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.EXCEPTION, S.WONT_FIX]
OFF_BASIC = [S.MIGRATED, S.VERIFIED, S.WONT_FIX]  # won't fix: e.g. decommissioned
PATHS = [MigrationPath.OAUTH_SMTP, MigrationPath.CONNECTOR_RELAY, MigrationPath.HVE,
         MigrationPath.GRAPH_SENDMAIL, MigrationPath.ACS_EMAIL, MigrationPath.RETIRE]
TEAMS = ["Facilities", "Finance IT", "Operations", "Service desk"]
DEMO_TAG = "[demo] "


def workflow_demo_seed(*, tenant: Tenant) -> None:
    if Ticket.objects.for_tenant(tenant).filter(title__startswith=DEMO_TAG).exists():
        return  # already seeded: seed_demo twice leaves the same data
    with transaction.atomic():
        manager, helpdesk = _users(tenant)
        senders = list(Sender.objects.for_tenant(tenant).order_by("address"))
        if not senders:
            return
        regressed = _pick_regression(senders)
        _ownership(senders, manager)
        _statuses(tenant, [s for s in senders if s != regressed], manager)
        if regressed is not None:
            _regression(tenant, regressed, manager)
        _tickets(tenant, senders, helpdesk, manager)


def _users(tenant: Tenant):
    users = []
    for role in ("manager", "helpdesk"):
        user, created = get_user_model().objects.get_or_create(
            username=f"{role}.{tenant.slug}",
            defaults={"email": f"{role}@{tenant.primary_domain or 'example.test'}",
                      "first_name": role.title(), "last_name": tenant.name})
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": role})
        users.append(user)
    return users


def _pick_regression(senders: list[Sender]) -> Sender | None:
    """The sender whose Basic usage is most recent: migrated before it, it regresses."""
    with_basic = [s for s in senders if s.last_basic_day]
    return max(with_basic, key=lambda s: (s.last_basic_day, s.address), default=None)


def _ownership(senders: list[Sender], manager) -> None:
    # Vendor entries (with evidence) first, matched on the device type; generic ones
    # only where no vendor entry fits.
    entries = list(DeviceModel.objects.order_by("is_generic", "vendor", "model"))

    def pick(support: str, device_type: str):
        return next((d for d in entries if d.oauth_support == support
                     and d.device_type == device_type), None) or next(
            (d for d in entries if d.oauth_support == support), None)

    for i, sender in enumerate(senders):
        if i % 3 == 0:
            sender.owner_user = manager
        else:
            sender.owner_name = f"Contact {i}"
            sender.owner_email = f"contact{i}@owners.example"
        sender.team = TEAMS[i % len(TEAMS)]
        sender.device_model = pick(("no", "firmware", "yes")[i % 3], sender.device_type)
        sender.migration_path = PATHS[i % len(PATHS)] if i % 5 else MigrationPath.UNDECIDED
    Sender.objects.bulk_update(senders, ["owner_user", "owner_name", "owner_email", "team",
                                         "device_model", "migration_path"])


def _statuses(tenant: Tenant, senders: list[Sender], manager) -> None:
    recent = timezone.now().date() - timedelta(days=7)
    still = [s for s in senders if s.last_basic_day and s.last_basic_day >= recent]
    off = [s for s in senders if s not in still]
    if len(off) < len(OFF_BASIC):  # a young demo: borrow a few so every status shows
        off, still = off + still[-len(OFF_BASIC):], still[:-len(OFF_BASIC)]
    for pool, cycle in ((still, STILL_BASIC), (off, OFF_BASIC)):
        for i, sender in enumerate(pool):
            _walk(tenant, sender, WALKS[cycle[i % len(cycle)]], manager)


def _walk(tenant: Tenant, sender: Sender, steps: list[str], manager) -> None:
    terms = ExceptionTerms(approver=manager, reason="Vendor firmware with OAuth due next quarter",
                           expires_on=timezone.now().date() + timedelta(days=60))
    for step in steps:
        sender_transition(tenant=tenant, sender=sender, to_status=step, actor=manager,
                          comment="demo", source="demo", exception=terms,
                          system=step == S.VERIFIED)


def _regression(tenant: Tenant, sender: Sender, manager) -> None:
    """Migrated a few days before its last Basic day: the workflow pass re-opens it."""
    _walk(tenant, sender, WALKS[S.MIGRATED], manager)
    when = timezone.now() - timedelta(days=(timezone.now().date() - sender.last_basic_day).days + 3)
    Sender.objects.filter(pk=sender.pk).update(status_changed_at=when)
    SenderStatusChange.objects.filter(sender=sender).update(created_at=when)
    senders_regress(tenant=tenant, today=timezone.now().date())


def _tickets(tenant: Tenant, senders: list[Sender], helpdesk, manager) -> None:
    # Senders an assignment would move to "assigned" stay out of the demo tickets, so
    # every workflow status (and the one regression) survives the seeding.
    keep = (S.NEW, S.TRIAGED, S.REGRESSED)
    senders = list(Sender.objects.for_tenant(tenant).exclude(status__in=keep).order_by("address"))
    if not senders:
        return
    for i, status in enumerate(TicketStatus.values):
        group = senders[i * 2:i * 2 + 2] or senders[:1]
        ticket = ticket_create(tenant=tenant, senders=group, actor=manager, source="demo",
                               title=f"{DEMO_TAG}Migrate {group[0].address}",
                               assignee=helpdesk if i % 2 == 0 else None)
        if status != TicketStatus.OPEN:
            ticket_update(tenant=tenant, ticket=ticket, expected_version=ticket.version,
                          changes={"status": status}, actor=manager, source="demo")

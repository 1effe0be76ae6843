"""Inventory writes: recompute every mailbox's effective state from the latest snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from readiness.inventory.choices import BASIC_BLOCKED_STATES, EffectiveState, SmtpAuthSwitch
from readiness.inventory.models import AuthenticationPolicy, Mailbox, TenantSettings
from readiness.inventory.resolver import Inputs, Policy, resolve
from readiness.tenancy.models import Tenant

CHUNK = 1000


def resolver_context(*, tenant: Tenant) -> dict:
    """The organisation-wide resolver inputs, read once per recompute."""
    org = TenantSettings.objects.for_tenant(tenant).first()
    policies = [
        Policy(p.name, p.distinguished_name, p.allow_basic_auth_smtp)
        for p in AuthenticationPolicy.objects.for_tenant(tenant)
    ]
    return {
        "org_smtp_disabled": org.smtp_client_auth_disabled if org else None,
        "security_defaults": org.security_defaults_enabled if org else None,
        "default_policy": (org.default_authentication_policy or None) if org else None,
        "policies": policies if org else None,
        "ca_blocking_policies": org.conditional_access_blocks if org else None,
    }


def mailbox_states_recompute(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Apply the resolver to every mailbox of the tenant; returns how many changed."""
    context = resolver_context(tenant=tenant)
    now = now or timezone.now()
    changed: list[Mailbox] = []
    for mailbox in Mailbox.objects.for_tenant(tenant).iterator(chunk_size=CHUNK):
        verdict = resolve(Inputs(mailbox_switch=mailbox.smtp_auth,
                                 user_policy=mailbox.authentication_policy or None,
                                 mailbox_object_id=mailbox.object_id, **context))
        if (mailbox.effective_state, mailbox.effective_reason) != (verdict.state, verdict.reason):
            mailbox.blocked_since = _blocked_since(mailbox, verdict.state, now)
            mailbox.effective_state, mailbox.effective_reason = verdict.state, verdict.reason
            changed.append(mailbox)
    Mailbox.objects.bulk_update(changed, ["effective_state", "effective_reason",
                                          "blocked_since"], batch_size=CHUNK)
    return len(changed)


def _blocked_since(mailbox: Mailbox, new_state: str, now: datetime) -> datetime | None:
    """The block's date is known only when we saw Basic possible first; a first snapshot
    that already shows a block says nothing about when it began."""
    if new_state not in BASIC_BLOCKED_STATES:
        return None
    if mailbox.effective_state == EffectiveState.BASIC_POSSIBLE:
        return now
    return mailbox.blocked_since


# --- Snapshots read from Exchange and Graph ------------------------------------------


@dataclass(frozen=True)
class MailboxRecord:
    address: str
    display_name: str = ""
    object_id: str = ""
    recipient_type: str = ""
    smtp_auth: str = SmtpAuthSwitch.INHERIT
    authentication_policy: str = ""
    proxy_addresses: tuple[str, ...] = ()


@dataclass
class InventorySnapshot:
    """One read of every resolver input. `complete` is False when any part may be
    missing (a warning that results were truncated); `None` inputs are unknown."""

    smtp_client_auth_disabled: bool | None
    default_authentication_policy: str
    security_defaults_enabled: bool | None
    conditional_access_blocks: list[dict] | None
    policies: list[Policy]
    mailboxes: list[MailboxRecord]
    warnings: list[str] = field(default_factory=list)
    # Rows left out because their address breaks the one address rule (core.values).
    skipped_addresses: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.warnings


def inventory_snapshot_apply(*, tenant: Tenant, snapshot: InventorySnapshot,
                             now: datetime | None = None) -> dict:
    """Replace the tenant's snapshot when the read was complete; otherwise keep the last
    good one and mark it stale. Vanished mailboxes are deleted only after a complete read.
    The caller links senders to the new mailboxes (readiness.senders.identity)."""
    if not snapshot.complete:
        inventory_mark_stale(tenant=tenant, warnings=snapshot.warnings)
        return {"mailboxes_read": len(snapshot.mailboxes), "possibly_truncated": True,
                "warnings": snapshot.warnings}
    now = now or timezone.now()
    with transaction.atomic():
        _settings_write(tenant, snapshot, now)
        _policies_write(tenant, snapshot.policies)
        written, deleted = _mailboxes_write(tenant, snapshot.mailboxes, now)
        changed = mailbox_states_recompute(tenant=tenant, now=now)
    return {"mailboxes": written, "mailboxes_deleted": deleted, "states_changed": changed,
            "policies": len(snapshot.policies)}


def inventory_mark_stale(*, tenant: Tenant, warnings: list[str]) -> None:
    TenantSettings.objects.update_or_create(
        tenant=tenant, defaults={"is_stale": True, "warnings": list(warnings)})


def _settings_write(tenant: Tenant, snapshot: InventorySnapshot, now: datetime) -> None:
    TenantSettings.objects.update_or_create(tenant=tenant, defaults={
        "smtp_client_auth_disabled": snapshot.smtp_client_auth_disabled,
        "default_authentication_policy": snapshot.default_authentication_policy,
        "security_defaults_enabled": snapshot.security_defaults_enabled,
        "conditional_access_blocks": snapshot.conditional_access_blocks,
        "taken_at": now, "is_stale": False, "warnings": [],
    })


def _policies_write(tenant: Tenant, policies: list[Policy]) -> None:
    rows = {p.name: AuthenticationPolicy(tenant=tenant, name=p.name,
                                         distinguished_name=p.distinguished_name,
                                         allow_basic_auth_smtp=p.allow_basic_auth_smtp)
            for p in policies}
    AuthenticationPolicy.objects.bulk_create(
        list(rows.values()), update_conflicts=True, unique_fields=["tenant", "name"],
        update_fields=["distinguished_name", "allow_basic_auth_smtp"], batch_size=CHUNK)
    AuthenticationPolicy.objects.for_tenant(tenant).exclude(name__in=rows).delete()


def _mailboxes_write(tenant: Tenant, records: list[MailboxRecord],
                     now: datetime) -> tuple[int, int]:
    unique = {r.address.strip().lower(): r for r in records if r.address}
    rows = [Mailbox(tenant=tenant, address=address, display_name=r.display_name[:256],
                    object_id=r.object_id, recipient_type=r.recipient_type,
                    smtp_auth=r.smtp_auth, authentication_policy=r.authentication_policy[:512],
                    proxy_addresses=sorted(set(r.proxy_addresses) - {address}),
                    synced_at=now) for address, r in unique.items()]
    for start in range(0, len(rows), CHUNK):
        Mailbox.objects.bulk_create(
            rows[start:start + CHUNK], update_conflicts=True, unique_fields=["tenant", "address"],
            update_fields=["display_name", "object_id", "recipient_type", "smtp_auth",
                           "authentication_policy", "proxy_addresses", "synced_at"])
    # Every row of this read carries synced_at=now; older ones vanished from the tenant.
    vanished = Q(synced_at__lt=now) | Q(synced_at__isnull=True)
    deleted, _ = Mailbox.objects.for_tenant(tenant).filter(vanished).delete()
    return len(rows), deleted

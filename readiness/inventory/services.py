"""Inventory writes: recompute every mailbox's effective state from the latest snapshot."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
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
    """Apply the resolver to every mailbox of the tenant; returns how many changed.

    The verdict depends on a mailbox only through its switch, its policy reference and
    whether its object id is empty or named by a Conditional Access block: a handful of
    distinct inputs however many mailboxes. So the resolver runs once per distinct input
    (one GROUP BY query) and ONE UPDATE ... FROM writes the changed verdicts: no model
    object per mailbox (200,000 of them took minutes through bulk_update)."""
    context = resolver_context(tenant=tenant)
    now = now or timezone.now()
    named = sorted(_ca_named_users(context["ca_blocking_policies"]))
    ca_key, ca_params = _ca_key_sql("object_id", named)
    table = Mailbox._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT smtp_auth, authentication_policy, {ca_key} "  # noqa: S608
                       f"FROM {table} WHERE tenant_id = %s", [*ca_params, tenant.pk])
        inputs = cursor.fetchall()
    verdicts = []
    for switch, policy, key in inputs:
        verdict = resolve(Inputs(mailbox_switch=switch, user_policy=policy or None,
                                 mailbox_object_id=_OTHER_USER if key == _OTHER_KEY else key,
                                 **context))
        verdicts.append({"smtp_auth": switch, "policy": policy, "ca_key": key,
                         "state": verdict.state, "reason": verdict.reason})
    if not verdicts:
        return 0
    return _verdicts_write(tenant, verdicts, now, _ca_key_sql("m.object_id", named)[0],
                           ca_params)


# A non-empty object id no CA block names: every such mailbox gets the same verdict.
_OTHER_KEY = "*"
_OTHER_USER = "\x00not-named-by-any-policy"


def _ca_named_users(blocks) -> set[str]:
    """The object ids a Conditional Access block includes or excludes by name."""
    named: set[str] = set()
    for block in blocks or ():
        if isinstance(block, dict):
            named |= set(block.get("include_users") or ()) | set(block.get("exclude_users") or ())
    return named


def _ca_key_sql(column: str, named: list[str]) -> tuple[str, list]:
    """What the CA gate sees of an object id: '' (unknown), the id itself when a block
    names it, else one key for every other id. Ids compare exactly, as the resolver does."""
    listed = (f"{column} = ANY(%s::text[])" if _postgres()
              else f"{column} IN (SELECT value FROM json_each(%s))")  # noqa: S608
    return (f"CASE WHEN {column} = '' THEN '' WHEN {listed} THEN {column} "
            f"ELSE '{_OTHER_KEY}' END", [named if _postgres() else json.dumps(named)])


def _verdicts_write(tenant: Tenant, verdicts: list[dict], now: datetime, ca_key: str,
                    ca_params: list) -> int:
    """One UPDATE of the mailboxes whose verdict changed. blocked_since as
    _blocked_since() says: set when Basic was seen possible before, else kept; cleared
    when the new state does not block."""
    blocked = ", ".join(f"'{state}'" for state in sorted(BASIC_BLOCKED_STATES))
    rows = _json_rows(["smtp_auth", "policy", "ca_key", "state", "reason"], "v")
    statement = (
        f"UPDATE {Mailbox._meta.db_table} AS m SET effective_state = v.state, "  # noqa: S608
        "effective_reason = v.reason, blocked_since = CASE "
        f"WHEN v.state NOT IN ({blocked}) THEN NULL "
        f"WHEN m.effective_state = '{EffectiveState.BASIC_POSSIBLE}' THEN %s "
        f"ELSE m.blocked_since END FROM {rows} WHERE m.tenant_id = %s "
        "AND m.smtp_auth = v.smtp_auth AND m.authentication_policy = v.policy "
        f"AND {ca_key} = v.ca_key "
        "AND (m.effective_state <> v.state OR m.effective_reason <> v.reason)")
    with connection.cursor() as cursor:
        cursor.execute(statement, [_db_datetime(now), json.dumps(verdicts), tenant.pk,
                                   *ca_params])
        return max(cursor.rowcount, 0)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _json_rows(columns: list[str], alias: str, types: dict[str, str] | None = None) -> str:
    """A derived table `alias` of the rows of ONE JSON array parameter (objects with
    `columns`): jsonb_to_recordset on PostgreSQL, json_each on SQLite. `types`:
    PostgreSQL types other than text."""
    types = types or {}
    if _postgres():
        spec = ", ".join(f"{c} {types.get(c, 'text')}" for c in columns)
        return f"jsonb_to_recordset(%s::jsonb) AS {alias}({spec})"
    picks = ", ".join(f"json_extract(value, '$.{c}') AS {c}" if types.get(c) != "jsonb"
                      else f"json(json_extract(value, '$.{c}')) AS {c}" for c in columns)
    return f"(SELECT {picks} FROM json_each(%s)) AS {alias}"  # noqa: S608


def _db_datetime(moment: datetime):
    """A timestamp as a raw parameter: SQLite keeps naive UTC text, as Django writes it."""
    return moment if _postgres() else connection.ops.adapt_datetimefield_value(moment)


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
    """Upsert the read's mailboxes, WRITE_CHUNK a statement: each chunk is ONE JSON
    parameter of ONE INSERT ... SELECT ... ON CONFLICT DO UPDATE (no model object per
    mailbox). A new mailbox starts unknown; its state is set by the recompute."""
    unique = {r.address.strip().lower(): r for r in records if r.address}
    items = list(unique.items())
    for start in range(0, len(items), WRITE_CHUNK):
        rows = [{"address": address, "display_name": r.display_name[:256],
                 "object_id": r.object_id, "recipient_type": r.recipient_type,
                 "smtp_auth": r.smtp_auth,
                 "authentication_policy": r.authentication_policy[:512],
                 "proxy_addresses": sorted(set(r.proxy_addresses) - {address})}
                for address, r in items[start:start + WRITE_CHUNK]]
        with connection.cursor() as cursor:
            cursor.execute(_MAILBOX_UPSERT.format(
                table=Mailbox._meta.db_table, rows=_json_rows(
                    [*_MAILBOX_COLUMNS], "r", {"proxy_addresses": "jsonb"})),
                [tenant.pk, EffectiveState.UNKNOWN, _db_datetime(now), json.dumps(rows)])
    # Every row of this read carries synced_at=now; older ones vanished from the tenant.
    vanished = Q(synced_at__lt=now) | Q(synced_at__isnull=True)
    deleted, _ = Mailbox.objects.for_tenant(tenant).filter(vanished).delete()
    return len(items), deleted


WRITE_CHUNK = 10_000
_MAILBOX_COLUMNS = ("address", "display_name", "object_id", "recipient_type", "smtp_auth",
                    "authentication_policy", "proxy_addresses")
_MAILBOX_UPSERT = (
    "INSERT INTO {table} (tenant_id, effective_state, effective_reason, synced_at, "  # noqa: S608
    + ", ".join(_MAILBOX_COLUMNS) + ") SELECT %s, %s, '', %s, "
    + ", ".join(f"r.{c}" for c in _MAILBOX_COLUMNS) + " FROM {rows} WHERE true "
    "ON CONFLICT (tenant_id, address) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in (*_MAILBOX_COLUMNS[1:], "synced_at")))

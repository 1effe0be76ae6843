"""Inventory writes: recompute every mailbox's effective state from the latest snapshot."""

from __future__ import annotations

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


def mailbox_states_recompute(*, tenant: Tenant) -> int:
    """Apply the resolver to every mailbox of the tenant; returns how many changed."""
    context = resolver_context(tenant=tenant)
    changed: list[Mailbox] = []
    for mailbox in Mailbox.objects.for_tenant(tenant).iterator(chunk_size=CHUNK):
        verdict = resolve(Inputs(mailbox_switch=mailbox.smtp_auth,
                                 user_policy=mailbox.authentication_policy or None, **context))
        if (mailbox.effective_state, mailbox.effective_reason) != (verdict.state, verdict.reason):
            mailbox.effective_state, mailbox.effective_reason = verdict.state, verdict.reason
            changed.append(mailbox)
    Mailbox.objects.bulk_update(changed, ["effective_state", "effective_reason"],
                                batch_size=CHUNK)
    return len(changed)

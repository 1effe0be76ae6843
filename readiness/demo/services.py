"""Writes the demo universe into the database (seed_demo) and ingests "today"."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from readiness.connectors.models import TenantConnection
from readiness.demo.generator import DemoTenant, build_universe
from readiness.ingestion.services import schedule_ensure
from readiness.inventory.choices import SmtpAuthSwitch
from readiness.inventory.models import AuthenticationPolicy, Mailbox, TenantSettings
from readiness.inventory.resolver import ca_blocking_policy_names
from readiness.inventory.services import mailbox_states_recompute
from readiness.senders.demo import workflow_demo_seed
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from reports.usage.rollups import usage_rollups_refresh
from reports.usage.services import usage_upsert

DEMO_ADMIN = ("admin", "admin@readiness.local")


def switch_of(value: bool | None) -> str:
    """Get-CASMailbox SmtpClientAuthenticationDisabled -> our tri-state."""
    if value is None:
        return SmtpAuthSwitch.INHERIT
    return SmtpAuthSwitch.DISABLED if value else SmtpAuthSwitch.ENABLED


@transaction.atomic
def demo_seed(*, seed: int = 42, tenants: int = 3, mailboxes: int = 40, days: int = 90,
              today: date | None = None, with_usage: bool = True) -> list[Tenant]:
    """Idempotent: re-running with the same arguments leaves the same data."""
    universe = build_universe(seed=seed, tenants=tenants, mailboxes=mailboxes, days=days,
                              today=today)
    return [_seed_tenant(demo, with_usage=with_usage) for demo in universe]


def _seed_tenant(demo: DemoTenant, *, with_usage: bool) -> Tenant:
    tenant, _ = Tenant.objects.update_or_create(
        slug=demo.slug,
        defaults={"name": demo.name, "tenant_guid": demo.tenant_id,
                  "primary_domain": demo.domain},
    )
    _seed_connection(tenant, demo)
    _seed_settings(tenant, demo)
    _seed_mailboxes(tenant, demo)
    mailbox_states_recompute(tenant=tenant)
    _seed_senders(tenant, demo)
    if with_usage:
        usage_upsert(tenant=tenant, source="detailed_report", rows=_usage_rows(demo, demo.days))
    schedule_ensure(tenant=tenant, source="demo")
    workflow_demo_seed(tenant=tenant)
    usage_rollups_refresh(tenant=tenant, days=len(demo.days) + 7)
    return tenant


def _seed_connection(tenant: Tenant, demo: DemoTenant) -> None:
    connection, _ = TenantConnection.objects.get_or_create(tenant=tenant)
    connection.directory_id, connection.client_id = demo.tenant_id, demo.client_id
    connection.set_client_secret(demo.client_secret)
    connection.save()


def _seed_settings(tenant: Tenant, demo: DemoTenant) -> None:
    TenantSettings.objects.update_or_create(
        tenant=tenant,
        defaults={
            "smtp_client_auth_disabled": demo.org_smtp_auth_disabled,
            "default_authentication_policy": demo.default_policy or "",
            "security_defaults_enabled": demo.security_defaults,
            "conditional_access_blocks": ca_blocking_policy_names(demo.conditional_access),
            "taken_at": timezone.now(), "is_stale": False,
        },
    )
    for policy in demo.policies:
        AuthenticationPolicy.objects.update_or_create(
            tenant=tenant, name=policy.name,
            defaults={"distinguished_name": policy.distinguished_name,
                      "allow_basic_auth_smtp": policy.allow_basic_auth_smtp},
        )


def _seed_mailboxes(tenant: Tenant, demo: DemoTenant) -> None:
    rows = [
        Mailbox(tenant=tenant, address=m.address, display_name=m.display_name,
                object_id=m.object_id, recipient_type=m.recipient_type,
                smtp_auth=switch_of(m.smtp_auth_disabled),
                authentication_policy=m.authentication_policy or "", synced_at=timezone.now())
        for m in demo.mailboxes
    ]
    Mailbox.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["tenant", "address"],
        update_fields=["display_name", "object_id", "recipient_type", "smtp_auth",
                       "authentication_policy", "synced_at"],
    )


def _seed_senders(tenant: Tenant, demo: DemoTenant) -> None:
    mailboxes = dict(Mailbox.objects.for_tenant(tenant).values_list("address", "pk"))
    for sender in demo.senders:
        Sender.objects.update_or_create(
            tenant=tenant, address=sender.address,
            defaults={"display_name": sender.display_name, "device_type": sender.device_type,
                      "vendor": sender.vendor, "model": sender.model,
                      "mailbox_id": mailboxes.get(sender.address)},
        )


def _usage_rows(demo: DemoTenant, days: list[date]) -> list[dict]:
    wanted = set(days)
    return [
        {"sender": u.sender, "day": u.day, "auth_method": u.auth_method,
         "messages": u.messages, "client_ip": u.client_ip, "tls_version": u.tls_version}
        for u in demo.usage() if u.day in wanted
    ]


def demo_ingest_today(*, tenant: Tenant) -> dict:
    """The skeleton's periodic ingest: today's slice of the demo universe."""
    universe = {t.slug: t for t in build_universe(tenants=8)}
    demo = universe.get(tenant.slug)
    if demo is None:
        return {"rows": 0}
    rows = _usage_rows(demo, [demo.today])
    written = usage_upsert(tenant=tenant, source="detailed_report", rows=rows)
    usage_rollups_refresh(tenant=tenant, days=8)
    return {"rows": written}


def demo_admin_ensure(*, password: str) -> tuple[str, bool]:
    """Create the demo MSP admin once; returns (username, created)."""
    username, email = DEMO_ADMIN
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"email": email, "is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_password(password)
        user.save()
    return username, created

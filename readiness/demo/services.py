"""seed_demo: the demo universe, written through the product's own front doors.

Each demo tenant is onboarded with its app registration (as `tenants add` does), and
its SMTP AUTH usage arrives as report files imported by the real importer. Mailboxes,
settings and sign-ins are NOT written here: they come through msal, Graph and
InvokeCommand from the Microsoft 365 emulator on the first ingest (`make run` starts it).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model

from readiness.connectors.onboarding import msp_app_save
from readiness.connectors.services import tenant_onboard
from readiness.demo.emulator.state import MSP_CLIENT_ID, MSP_CLIENT_SECRET
from readiness.demo.generator import DemoTenant, build_universe
from readiness.demo.reports import detailed_report_write, export_write
from readiness.imports.services import AlreadyImported, Period, report_import
from readiness.senders.demo import workflow_demo_seed
from readiness.senders.models import Sender
from readiness.senders.services import sender_update_ownership
from readiness.tenancy.models import Tenant
from readiness.usage.rollups import usage_rollups_refresh

DEMO_ADMIN = ("admin", "admin@readiness.local")
DETAILED_DAYS = 60  # the rest of the period arrives as an Export, as older data often does


def demo_seed(*, seed: int = 42, tenants: int = 3, mailboxes: int = 40, days: int = 90,
              today: date | None = None) -> list[Tenant]:
    """Idempotent: re-running imports nothing twice (same files, same message ids)."""
    universe = build_universe(seed=seed, tenants=tenants, mailboxes=mailboxes, days=days,
                              today=today)
    # The emulator's multi-tenant app, so that "Add customer tenant" works in the demo.
    msp_app_save(client_id=MSP_CLIENT_ID, client_secret=MSP_CLIENT_SECRET, source="demo")
    return [_seed_tenant(demo) for demo in universe]


def _seed_tenant(demo: DemoTenant) -> Tenant:
    tenant = tenant_onboard(slug=demo.slug, name=demo.name, directory_id=demo.tenant_id,
                            client_id=demo.client_id, domain=demo.domain,
                            client_secret=demo.client_secret)
    for path, period in demo_reports_write(demo=demo):
        # Already imported when seed_demo ran earlier today: nothing to add.
        with suppress(AlreadyImported):
            report_import(tenant=tenant, path=path, period=period, file_name=path.name)
    _seed_devices(tenant, demo)
    workflow_demo_seed(tenant=tenant)
    usage_rollups_refresh(tenant=tenant, days=len(demo.days) + 7, today=demo.today)
    return tenant


def _seed_devices(tenant: Tenant, demo: DemoTenant) -> None:
    """What an administrator records about each sender: what the device or app is."""
    senders = {s.address: s for s in Sender.objects.for_tenant(tenant)}
    for known in demo.senders:
        sender = senders.get(known.address)
        if sender is None or sender.vendor:
            continue  # not seen yet, or already recorded (seed_demo ran before)
        sender_update_ownership(tenant=tenant, sender=sender, actor=None, source="cli",
                                changes={"device_type": known.device_type,
                                         "vendor": known.vendor, "model": known.model})


def demo_reports_write(*, demo: DemoTenant) -> list[tuple]:
    """The files an administrator of this tenant would have downloaded."""
    folder = settings.DATA_DIR / "demo" / demo.slug
    recent = max(demo.start, demo.today - timedelta(days=DETAILED_DAYS - 1))
    files = [(detailed_report_write(demo=demo, start=recent, folder=folder), None)]
    if recent > demo.start:
        end = recent - timedelta(days=1)
        path = export_write(demo=demo, start=demo.start, end=end, folder=folder)
        files.insert(0, (path, Period(demo.start, end)))
    return files


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

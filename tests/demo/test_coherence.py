"""The demo, as `make run` builds it (report files through the importer, then the first
ingest from the emulator): every conflict in it is deliberate, flagged, and on the
overview (issue 12, "Done when")."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from readiness.dashboards.overview import tenant_overview
from readiness.demo.generator import build_universe
from readiness.demo.services import demo_seed
from readiness.inventory.choices import BASIC_BLOCKED_STATES
from readiness.inventory.models import Mailbox
from readiness.usage.models import TenantRollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(m365):
    """seed_demo's three tenants, then `ingest --all` against the emulator (same universe:
    the emulator serves five tenants built from the same seed, the first three these)."""
    tenants = demo_seed()
    call_command("ingest", all=True, stdout=io.StringIO(), stderr=io.StringIO())
    universe = {t.slug: t for t in build_universe(tenants=3)}
    return tenants, universe


def test_the_demo_has_no_unflagged_conflict_and_the_deliberate_ones_are_on_the_overview(
        seeded, client_for, msp_admin):
    tenants, universe = seeded
    for tenant in tenants:
        deliberate = set(universe[tenant.slug].deliberate_conflicts)
        overview = tenant_overview(tenant=tenant)
        assert {c["address"] for c in overview["conflicts"]} == deliberate, tenant.slug
        assert TenantRollup.objects.get(tenant=tenant).mailboxes_conflict == len(deliberate)
        html = client_for(msp_admin).get(
            reverse("dashboards:tenant", args=[tenant.slug])).content.decode()
        for address in deliberate:
            assert address in html and "conflict" in html
    # Northwind's and Fabrikam's Basic senders show the state their traffic allows.
    for slug in ("northwind", "fabrikam"):
        demo = universe[slug]
        still_basic = {s.address for s in demo.senders
                       if s.migrate_on is None and not s.conflict}
        states = dict(Mailbox.objects.filter(tenant__slug=slug, address__in=still_basic)
                      .values_list("address", "effective_state"))
        assert not {a for a, state in states.items() if state in BASIC_BLOCKED_STATES}


def test_the_portfolio_shows_the_conflicts(seeded, client_for, msp_admin):
    html = client_for(msp_admin).get(reverse("dashboards:portfolio")).content.decode()
    assert "Conflicts (verify)" in html

"""One definition of "ready": the portfolio, the tenant overview, the API summary and
`readiness_report --fail-if-not-ready` must give the same answer for every tenant."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from readiness.dashboards.overview import tenant_overview
from readiness.dashboards.selectors import portfolio_queryset
from readiness.demo.services import demo_seed
from readiness.tenancy.models import Tenant
from readiness.usage.readiness import PortfolioState, readiness_blockers
from readiness.usage.rollups import usage_rollups_refresh
from tests.factories import DailyUsageFactory, MailboxFactory, SenderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _cli_ready(tenant: Tenant) -> bool:
    try:
        call_command("readiness_report", tenant=tenant.slug, fail_if_not_ready=True,
                     stdout=io.StringIO())
    except CommandError as exc:
        assert exc.returncode == 3
        return False
    return True


def _verdicts(tenant: Tenant, client: APIClient) -> dict:
    portfolio = portfolio_queryset(Tenant.objects.filter(pk=tenant.pk)).get()
    overview = tenant_overview(tenant=tenant)
    summary = client.get(reverse("api-tenant-summary", kwargs={"slug": tenant.slug})).json()
    return {
        "portfolio": portfolio.readiness_state == PortfolioState.READY,
        "overview": overview["state"] == PortfolioState.LABELS[PortfolioState.READY]
        and not overview["blockers"],
        "api": summary["ready"] and summary["state"] == portfolio.readiness_state,
        "cli": _cli_ready(tenant),
    }


@pytest.fixture
def api_client():
    client = APIClient()
    client.force_authenticate(UserFactory(username="msp", is_superuser=True, is_staff=True))
    return client


def test_they_agree_on_every_demo_tenant(api_client):
    tenants = demo_seed(seed=7, tenants=3, mailboxes=12, days=35, today=date.today())
    answers = {t.slug: _verdicts(t, api_client) for t in tenants}
    for slug, verdicts in answers.items():
        assert len(set(verdicts.values())) == 1, (slug, verdicts)


def test_they_agree_on_a_ready_tenant_and_name_no_blocker(tenant_a, api_client):
    MailboxFactory(tenant=tenant_a, effective_state="oauth_only")
    DailyUsageFactory(sender=SenderFactory(tenant=tenant_a, status="migrated"),
                      auth_method="oauth")
    usage_rollups_refresh(tenant=tenant_a)
    assert _verdicts(tenant_a, api_client) == dict.fromkeys(
        ("portfolio", "overview", "api", "cli"), True)
    assert readiness_blockers(tenant_a.usage_rollup) == []


def test_one_exposed_mailbox_makes_every_view_say_not_ready(tenant_a, api_client):
    MailboxFactory(tenant=tenant_a, effective_state="basic_possible")
    DailyUsageFactory(sender=SenderFactory(tenant=tenant_a, status="migrated"),
                      auth_method="oauth")
    usage_rollups_refresh(tenant=tenant_a)
    assert _verdicts(tenant_a, api_client) == dict.fromkeys(
        ("portfolio", "overview", "api", "cli"), False)
    assert "1 mailbox can still use Basic" in readiness_blockers(tenant_a.usage_rollup)[0]

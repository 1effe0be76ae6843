"""The charts draw from our own static Plotly (the vendored partial bundle, loaded
deferred) under the Content-Security-Policy, with no console errors."""

import pytest

from readiness.demo.services import demo_seed
from readiness.senders.models import Sender
from tests.browser.helpers import session_cookie_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_cookie(db):
    return session_cookie_for(UserFactory(username="msp-e2e", is_superuser=True))


@pytest.fixture
def demo_tenants(db):
    return demo_seed(tenants=2, mailboxes=10, days=30)


def test_the_tenant_overview_draws_its_timeline(demo_tenants, admin_cookie, page_as):
    page = page_as(admin_cookie)
    page.goto(f"/tenants/{demo_tenants[0].slug}/")
    page.wait_for_selector("#timeline .main-svg", timeout=15000)
    assert page.locator("#timeline .bars path").count() > 0
    assert page.problems == []


@pytest.fixture
def sender(demo_tenants):  # read before the browser starts (its loop makes this async)
    return Sender.objects.for_tenant(demo_tenants[0]).order_by("address").first()


def test_every_chart_of_the_overview_and_the_sender_page_draws(demo_tenants, sender,
                                                                admin_cookie, page_as):
    # Each trace type the partial bundle must carry: scatter (burndown, sign-ins), bar
    # (timeline, exposure, TLS) and heatmap (coverage strip).
    tenant = demo_tenants[0]
    page = page_as(admin_cookie)
    page.goto(f"/tenants/{tenant.slug}/")
    for chart in ("timeline", "burndown", "exposure", "tls", "coverage"):
        page.wait_for_selector(f"#{chart} .main-svg", timeout=15000)
    assert page.locator("#burndown .scatterlayer .trace").count() > 0
    assert page.locator("#tls .bars path").count() > 0
    assert page.locator("#coverage .hm image").count() == 1
    page.goto(f"/tenants/{tenant.slug}/senders/{sender.pk}/")
    page.wait_for_selector("#usage .main-svg", timeout=15000)
    assert page.locator("#usage .scatterlayer .trace").count() > 0
    assert page.problems == []


def test_the_portfolio_renders_without_script_errors(demo_tenants, admin_cookie, page_as):
    page = page_as(admin_cookie)
    page.goto("/")
    assert page.locator("table").count() >= 1
    assert page.problems == []

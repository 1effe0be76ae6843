"""The charts draw from our own static Plotly under the Content-Security-Policy, with no
console errors."""

import pytest

from readiness.demo.services import demo_seed
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


def test_the_portfolio_renders_without_script_errors(demo_tenants, admin_cookie, page_as):
    page = page_as(admin_cookie)
    page.goto("/")
    assert page.locator("table").count() >= 1
    assert page.problems == []

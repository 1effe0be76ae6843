"""In a real browser (Debian's headless Chromium through Playwright): the charts draw
from our own static Plotly under the Content-Security-Policy, with no console errors."""

import shutil

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from readiness.demo.services import demo_seed

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def session_cookie(live_server):
    # Database work happens before Playwright starts: its sync API runs an event loop in
    # this thread, and Django refuses ORM calls from inside one.
    user = get_user_model().objects.create_superuser("viewer-e2e", "v@example.test", "x" * 20)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def demo_tenants(db):
    return demo_seed(tenants=2, mailboxes=10, days=30)


@pytest.fixture
def signed_in_page(demo_tenants, session_cookie, live_server, browser):
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie,
                          "url": live_server.url}])
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    return page


def test_the_tenant_overview_draws_its_timeline(signed_in_page, demo_tenants):
    tenant = demo_tenants[0]
    page = signed_in_page
    page.goto(f"/tenants/{tenant.slug}/")
    page.wait_for_selector("#timeline .main-svg", timeout=15000)
    assert page.locator("#timeline .bars path").count() > 0
    assert page.problems == []


def test_the_portfolio_renders_without_script_errors(signed_in_page):
    page = signed_in_page
    page.goto("/")
    assert page.locator("table").count() >= 1
    assert page.problems == []

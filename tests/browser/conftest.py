"""Headless Debian Chromium through Playwright (no browser download: the system one).

Database work happens before Playwright starts: its sync API runs an event loop in the
test's thread, and Django refuses ORM calls from inside one. So a test first prepares
its data and a session cookie, then asks for `page_as(cookie)`.
"""

import shutil

import pytest
from django.conf import settings

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.skipif(not CHROMIUM,
                                               reason="Debian's chromium is not installed"))


@pytest.fixture
def page_as(live_server):
    """page_as(cookie, **context options) -> a Playwright page signed in with that
    session (ignore_https_errors=True lets it open the emulator's pages), which records
    console errors and uncaught exceptions (a CSP violation shows up there) in
    `page.problems`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def open_page(cookie: str, **context_options):
            context = browser.new_context(base_url=live_server.url, **context_options)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie,
                                  "url": live_server.url}])
            page = context.new_page()
            page.problems = []
            page.on("console",
                    lambda m: page.problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: page.problems.append(str(exc)))
            return page

        yield open_page
        browser.close()

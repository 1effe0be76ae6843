"""Headless Debian Chromium through Playwright (no browser download: the system one).

Database work happens before Playwright starts: its sync API runs an event loop in the
test's thread, and Django refuses ORM calls from inside one. So a test first prepares
its data and a session cookie, then asks for `page_as(cookie)`.
"""

import os
import shutil

import pytest
from django.conf import settings

from tests.browser.helpers import UI_LOCALES

CHROMIUM = shutil.which("chromium")
# CI sets CI=1 (.ci/run installs chromium first): there a missing browser is a failure,
# never a silent skip that lets the build pass without running the browser suite.
IN_CI = bool(os.environ.get("CI"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)
            if not CHROMIUM and not IN_CI:
                item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed"))


def chromium_path() -> str:
    if not CHROMIUM:
        pytest.fail("CI is set but Debian's chromium is missing: .ci/run installs it "
                    "(apt-get install -y chromium)")
    return CHROMIUM


@pytest.fixture
def page_as(live_server):
    """page_as(cookie, locale=, width=, **context options) -> a Playwright page signed in
    with that session (None: anonymous), in that browser locale (Accept-Language) and
    viewport (ignore_https_errors=True lets it open the emulator's pages), which records
    console errors and uncaught exceptions (a CSP violation shows up there) in
    `page.problems`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

        def open_page(cookie: str | None = None, *, locale: str = "en-GB",
                      width: int = 1440, height: int = 900, **context_options):
            context = browser.new_context(base_url=live_server.url, locale=locale,
                                          viewport={"width": width, "height": height},
                                          **context_options)
            if cookie:
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                      "value": cookie, "url": live_server.url}])
            page = context.new_page()
            page.problems = []
            page.on("console",
                    lambda m: page.problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: page.problems.append(str(exc)))
            return page

        yield open_page
        browser.close()


@pytest.fixture(params=sorted(UI_LOCALES))
def ui_language(request):
    """Each UI language in turn (tests.browser.helpers.UI_LOCALES): (code, browser locale)."""
    return request.param, UI_LOCALES[request.param]

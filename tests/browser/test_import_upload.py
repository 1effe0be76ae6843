"""A manager uploads a report in the browser: the progress bar follows a real Celery
worker reading it, the preview appears, and confirming imports it."""

import pytest

from tests.browser.helpers import session_cookie_for
from tests.imports.helpers import SAMPLES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager_cookie(alice):
    return session_cookie_for(alice)


def test_upload_preview_and_confirm_through_a_real_worker(worker, settings, tenant_a,
                                                          manager_cookie, page_as):
    settings.REPORT_UPLOAD_DIR = settings.DATA_DIR / "uploads"  # where the worker looks
    page = page_as(manager_cookie)
    page.goto(f"/tenants/{tenant_a.slug}/imports/upload/")
    page.set_input_files("input[type=file]", str(SAMPLES / "SmtpCSReport_sample.csv"))
    page.click("text=Upload and preview")

    # The progress page polls the status endpoint and reloads itself into the preview.
    page.wait_for_selector("text=Import these 5 rows", timeout=90000)
    assert "utf-16-le" in page.content()  # the preview names what it detected
    page.click("text=Import these 5 rows")
    page.wait_for_selector("#import-status-label:has-text('Imported')", timeout=90000)
    assert page.problems == []

    # Checked through the product itself (the ORM is off limits while Playwright runs).
    response = page.request.get(
        f"/api/v1/tenants/{tenant_a.slug}/usage/?from=2026-11-01&to=2026-11-30",
        headers={"Accept": "application/json"})
    days = response.json()["days"]
    assert any("detailed_report" in day["sources"] for day in days)

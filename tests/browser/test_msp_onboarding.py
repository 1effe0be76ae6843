"""The whole MSP onboarding flow in Chromium against the emulator and a real Celery
worker: add a customer by domain, follow the consent link, come back through the
callback, see the role missing, fix it in the emulator, check again, and watch the
first ingest complete and the tenant appear on the portfolio."""

import re

import pytest

from readiness.connectors.onboarding import msp_app_save
from readiness.demo.emulator.state import MSP_CLIENT_ID, MSP_CLIENT_SECRET
from tests.browser.helpers import session_cookie_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def msp_cookie(msp_admin, m365):
    msp_app_save(client_id=MSP_CLIENT_ID, client_secret=MSP_CLIENT_SECRET)
    return session_cookie_for(msp_admin)


def test_msp_admin_onboards_a_customer_end_to_end(worker, m365, msp_cookie, page_as):
    northwind = next(t for t in m365.state.tenants.values() if t.slug == "northwind")
    page = page_as(msp_cookie, ignore_https_errors=True)  # the emulator's own CA

    page.goto("/onboarding/add/")
    page.fill("#add-form input[name=domain]", northwind.domain)
    page.fill("#add-form input[name=tags]", "team-east")
    page.click("#add-form button[type=submit]")
    page.wait_for_selector("#stage:has-text('Waiting for consent')")
    assert page.text_content("#directory-id") == northwind.tenant_id
    link = page.input_value("#consent-link")
    assert f"/{northwind.tenant_id}/adminconsent?client_id={MSP_CLIENT_ID}" in link
    onboarding_url = page.url

    # The customer's Global Administrator (here: the same browser) follows the link.
    page.click("#consent-open")
    page.wait_for_selector("text=Permissions requested")
    page.click("button[value=accept]")
    # Back through the callback: consent recorded, tested, Graph read; the role is missing.
    page.wait_for_url(onboarding_url, timeout=60000)
    page.wait_for_selector("#stage:has-text('Role missing')")
    assert page.text_content("#organization") == northwind.name
    item = page.text_content("[data-item=exchange_role]")
    assert "Global Reader" in item and "New-MgRoleManagementDirectoryRoleAssignment" in item

    # The customer's admin assigns Global Reader (the emulator's control page).
    control = page.context.new_page()
    control.goto(f"{m365.base_url}/_emulator/tenants/{northwind.tenant_id}")
    control.click("text=Assign Global Reader to the MSP app")
    control.wait_for_selector("#grant:has-text('Global Reader: assigned')")
    control.close()

    page.click("#check-again")
    page.wait_for_selector("#checklist-empty")
    for _ in range(90):  # the worker runs the first ingest of both sources
        stage = page.get_attribute("#stage", "data-stage")
        if stage == "ready":
            break
        assert stage in ("first_ingest", "consented"), stage
        page.wait_for_timeout(1000)
        page.reload()
    assert page.get_attribute("#stage", "data-stage") == "ready"

    page.goto("/?tag=team-east")
    row = page.locator("tr", has_text=northwind.name)
    assert row.count() == 1
    assert not re.search(r"\bnever\b", row.inner_text())  # a good ingest is recorded
    assert page.problems == []


def test_bulk_upload_of_fifty_domains_and_a_bad_line(m365, msp_cookie, page_as, tmp_path):
    bad = tmp_path / "bad.csv"
    lines = ["domain,name,tags"] + [f"customer{n:03}.example,,bulk" for n in range(1, 51)]
    bad.write_text("\n".join([*lines[:30], "nobody-here.example,,bulk", *lines[30:]]) + "\n")
    good = tmp_path / "good.csv"
    good.write_text("\n".join(lines) + "\n")
    page = page_as(msp_cookie)

    page.goto("/onboarding/add/")
    page.set_input_files("#bulk-form input[type=file]", str(bad))
    page.click("#bulk-form button[type=submit]")
    error = page.text_content("#bulk-form .field-error")
    assert "line 31" in error and "nobody-here.example" in error
    # the rejected form answers 400 by design, which Chromium logs as a failed load
    assert page.problems == ["Failed to load resource: the server responded with a status "
                             "of 400 (Bad Request)"]
    page.problems.clear()
    page.goto("/onboarding/")
    assert page.locator("[data-stage=waiting]").count() == 0  # nothing was created

    page.goto("/onboarding/add/")
    page.set_input_files("#bulk-form input[type=file]", str(good))
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector("#onboarding")
    assert page.locator("td[data-stage=waiting]").count() == 50
    assert page.problems == []

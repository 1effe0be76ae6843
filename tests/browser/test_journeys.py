"""What a new user does, in a real browser: sign in; sort, filter and export the senders;
set a sender's owner and status; take a ticket through its life; and a helpdesk user
who cannot reach another tenant. (Charts, the portfolio and the upload have their own
files; screenshots and phone widths are in test_screens.py.)"""

from __future__ import annotations

import pytest

from tests.browser.helpers import session_cookie_for
from tests.factories import SenderFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice_cookie(alice):
    return session_cookie_for(alice)


@pytest.fixture
def hana_cookie(hana):
    hana.first_name, hana.last_name = "Hana", "Dvořáková"
    hana.save()
    return session_cookie_for(hana)


@pytest.fixture
def senders(tenant_a):
    return [SenderFactory(tenant=tenant_a, address=f"{name}@a.example", team=team)
            for name, team in (("scanner", "Facilities"), ("erp", "Finance"),
                               ("printer", "Facilities"))]


def test_a_user_signs_in_with_a_password_and_lands_on_the_portfolio(alice, page_as):
    page = page_as(None)
    page.goto("/")
    assert "/accounts/login/" in page.url  # anonymous: sent to sign in
    page.fill("#id_username", "alice")
    page.fill("#id_password", "correct horse battery staple")
    # The login form's button, not the navbar's language switch.
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_selector("h1:has-text('Portfolio')")
    assert "Tenant A" in page.inner_text("main")
    assert page.problems == []


def test_sort_filter_and_export_the_senders(alice_cookie, senders, tenant_a, page_as):
    page = page_as(alice_cookie)
    page.goto(f"/tenants/{tenant_a.slug}/senders/?sort=-address")
    rows = page.locator("table tbody tr")
    assert "scanner@a.example" in rows.first.inner_text()
    page.fill("input[name=q]", "erp")
    page.locator("input[name=q]").press("Enter")
    page.wait_for_url("**q=erp**")
    assert page.locator("table tbody tr").count() == 1
    with page.expect_download() as download:
        page.click("a:has-text('CSV (;)')")
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    text = data.decode("utf-8-sig")
    assert ";" in text.splitlines()[0] and "erp@a.example" in text
    assert "scanner@a.example" not in text  # the filter applies to the export
    assert page.problems == []


def test_a_sender_gets_an_owner_and_a_status(alice_cookie, hana, senders, tenant_a, page_as):
    sender = senders[0]
    page = page_as(alice_cookie)
    page.goto(f"/tenants/{tenant_a.slug}/senders/{sender.pk}/ownership/")
    assert page.locator("select[name=owner_user].form-select").count() == 1
    page.select_option("select[name=owner_user]", str(hana.pk))
    page.click("form button[type=submit]:has-text('Save')")
    page.wait_for_selector("text=Ownership of scanner@a.example saved")
    page.select_option(f"#to-status-{sender.pk}", "triaged")
    page.click("button:has-text('Change status')")
    page.wait_for_selector(".sender-workflow .badge:has-text('Triaged')")
    assert page.problems == []


def test_a_ticket_through_its_life(alice_cookie, hana, hana_cookie, senders, tenant_a,
                                   page_as):
    page = page_as(alice_cookie)
    page.goto(f"/tenants/{tenant_a.slug}/senders/{senders[1].pk}/")
    page.click("button:has-text('Create a ticket for this sender')")
    page.wait_for_selector(".alert:has-text('created')")
    assert "Ticket #" in page.inner_text(".alert-success")
    assert "/tickets/" in page.url  # the new ticket opens
    assert "Version" not in page.inner_text("main")

    page.select_option("select[name=assignee]", str(hana.pk))
    page.select_option("select[name=status]", "in_progress")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=Ticket saved")
    history = page.inner_text("table")
    assert "Assignee: — → Hana Dvořáková" in history
    assert "Status: Open → In progress" in history

    page.fill("textarea[name=body]", "Rebooted the ERP relay.")
    page.click("button:has-text('Add comment')")
    page.wait_for_selector("text=Rebooted the ERP relay.")
    page.select_option("select[name=status]", "done")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=Ticket saved")
    assert "Status: In progress → Done" in page.inner_text("table")

    # "My tickets" shows open work: Hana's done ticket is not in her default queue.
    hana_page = page_as(hana_cookie)
    hana_page.goto("/tickets/mine/")
    assert "erp@a.example" not in hana_page.inner_text("main")
    assert page.problems == [] and hana_page.problems == []


@pytest.fixture
def secret_b(tenant_b):
    return SenderFactory(tenant=tenant_b, address="secret@b.example")


def test_a_helpdesk_user_cannot_see_another_tenant(hana_cookie, tenant_a, tenant_b, secret_b,
                                                   page_as):
    page = page_as(hana_cookie)
    page.goto("/")
    assert "Tenant B" not in page.inner_text("main")
    response = page.goto(f"/tenants/{tenant_b.slug}/senders/")
    assert response.status == 404
    assert "Page not found" in page.inner_text("main")
    assert "secret@b.example" not in page.content()
    page.click("a:has-text('Go to the portfolio')")  # the error page has a way back
    page.wait_for_selector("h1:has-text('Portfolio')")


def test_the_bulk_form_shows_only_the_chosen_actions_fields(hana_cookie, senders, tenant_a,
                                                            page_as):
    page = page_as(hana_cookie)
    page.goto(f"/tenants/{tenant_a.slug}/senders/")
    page.select_option("#bulk-action", "set_team")
    assert page.is_visible("#bulk-team") and not page.is_visible("#bulk-owner")
    assert not page.is_visible("#bulk-status")
    page.select_option("#bulk-action", "create_ticket")
    assert page.is_visible("#bulk-assignee") and not page.is_visible("#bulk-team")
    assert page.problems == []


def test_anonymous_error_pages_are_styled(db, page_as):
    page = page_as(None)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.locator("nav.navbar").count() == 1
    assert "Page not found" in page.inner_text("main")

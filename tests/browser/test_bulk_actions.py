"""Helpdesk selects senders in the table and applies a bulk action: the checkboxes live
in the table and belong to the bulk form through the HTML form attribute (no JS)."""

import pytest

from tests.browser.helpers import session_cookie_for
from tests.factories import SenderFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def senders(tenant_a):
    return [SenderFactory(tenant=tenant_a, address=f"printer{n}@a.example") for n in range(3)]


@pytest.fixture
def helpdesk_cookie(hana):
    return session_cookie_for(hana)


def test_helpdesk_sets_the_team_of_two_selected_senders(senders, tenant_a, helpdesk_cookie,
                                                        page_as):
    page = page_as(helpdesk_cookie)
    page.goto(f"/tenants/{tenant_a.slug}/senders/")
    for sender in senders[:2]:
        page.check(f"input[name=sender_ids][value='{sender.pk}']")
    page.select_option("#bulk-action", "set_team")
    page.fill("#bulk-team", "Facilities")
    page.click("#bulk-form button[type=submit]")
    page.wait_for_load_state()
    assert page.problems == []

    teams = {}
    for sender in senders:
        page.goto(f"/tenants/{tenant_a.slug}/senders/{sender.pk}/")
        teams[sender.address] = "Facilities" in page.inner_text("main")
    assert teams == {"printer0@a.example": True, "printer1@a.example": True,
                     "printer2@a.example": False}

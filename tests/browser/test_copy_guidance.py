"""The guidance's copy buttons put the exact PowerShell on the clipboard (static JS,
allowed by the CSP)."""

import pytest

from tests.browser.helpers import session_cookie_for
from tests.factories import SenderFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sender(tenant_a):
    return SenderFactory(tenant=tenant_a, address="o'brien@a.example",
                         migration_path="connector_relay")


@pytest.fixture
def helpdesk_cookie(hana):
    return session_cookie_for(hana)


def test_copy_powershell_puts_the_quoted_command_on_the_clipboard(sender, tenant_a,
                                                                  helpdesk_cookie, page_as):
    page = page_as(helpdesk_cookie)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/tenants/{tenant_a.slug}/senders/{sender.pk}/")
    button = page.locator("button[data-copy-target]", has_text="Copy PowerShell").first
    button.click()
    page.wait_for_selector("button[data-copy-target]:has-text('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Set-CASMailbox -Identity 'o''brien@a.example'" in copied
    assert page.problems == []

"""What-if planner on a tenant with senders in every situation, down to the script text."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from readiness.inventory.models import AuthenticationPolicy
from readiness.senders import whatif
from readiness.senders.models import SenderException
from tests.factories import (
    DailyUsageFactory,
    MailboxFactory,
    SenderFactory,
    TenantSettingsFactory,
)

TODAY = dt.date.today()


def _sender(tenant, address, *, method="basic", days_ago=2, mailbox=True, switch="inherit",
            policy="", **kwargs):
    box = MailboxFactory(tenant=tenant, address=address, smtp_auth=switch,
                         authentication_policy=policy) if mailbox else None
    sender = SenderFactory(tenant=tenant, address=address, mailbox=box, **kwargs)
    if method:
        DailyUsageFactory(sender=sender, day=TODAY - dt.timedelta(days=days_ago),
                          auth_method=method, messages=5)
    return sender


@pytest.fixture
def estate(tenant_a):
    TenantSettingsFactory(tenant=tenant_a, smtp_client_auth_disabled=False,
                          security_defaults_enabled=False, conditional_access_blocks=[])
    AuthenticationPolicy.objects.create(tenant=tenant_a, name="Allow Basic SMTP (temporary)",
                                        allow_basic_auth_smtp=True)
    AuthenticationPolicy.objects.create(tenant=tenant_a, name="Block Basic")
    return {
        "basic": _sender(tenant_a, "basic@a.example"),
        "oauth": _sender(tenant_a, "oauth@a.example", method="oauth", status="in_progress",
                         migration_path="oauth_smtp"),
        "override": _sender(tenant_a, "override@a.example", switch="enabled"),
        "allowed": _sender(tenant_a, "allowed@a.example",
                           policy="Allow Basic SMTP (temporary)"),
        "migrated": _sender(tenant_a, "relay@a.example", days_ago=12, status="migrated",
                            migration_path="connector_relay",
                            status_changed_at=timezone.now() - dt.timedelta(days=10)),
        "quiet": _sender(tenant_a, "quiet@a.example", days_ago=45),
        "no_mailbox": _sender(tenant_a, "app@a.example", mailbox=False),
        "blocked": _sender(tenant_a, "blocked@a.example", policy="Block Basic"),
    }


def _addresses(impacts):
    return sorted(i.sender.address for i in impacts)


def test_org_wide_smtp_auth_off_breaks_every_inheriting_sender_even_oauth(tenant_a, estate):
    plan = whatif.what_if_plans(tenant=tenant_a, today=TODAY)[whatif.ORG_OFF]
    assert _addresses(plan.breaks) == ["allowed@a.example", "app@a.example",
                                       "basic@a.example", "oauth@a.example"]
    assert _addresses(plan.safe) == ["blocked@a.example", "override@a.example"]
    assert plan.unknown == []
    assert [s.code for s in plan.scripts] == [
        "Set-CASMailbox -Identity 'allowed@a.example' -SmtpClientAuthenticationDisabled $false\n"
        "Set-CASMailbox -Identity 'app@a.example' -SmtpClientAuthenticationDisabled $false\n"
        "Set-CASMailbox -Identity 'basic@a.example' -SmtpClientAuthenticationDisabled $false\n"
        "Set-CASMailbox -Identity 'oauth@a.example' -SmtpClientAuthenticationDisabled $false",
        "Set-TransportConfig -SmtpClientAuthenticationDisabled $true",
    ]


def test_basic_off_by_default_spares_oauth_and_explicitly_allowed_mailboxes(tenant_a, estate):
    plan = whatif.what_if_plans(tenant=tenant_a, today=TODAY)[whatif.BASIC_DEFAULT_OFF]
    assert _addresses(plan.breaks) == ["app@a.example", "basic@a.example",
                                       "override@a.example"]
    safe = {i.sender.address: i.why for i in plan.safe}
    assert set(safe) == {"allowed@a.example", "blocked@a.example", "oauth@a.example"}
    assert safe["oauth@a.example"].startswith("OAuth-only usage")
    assert "re-enables Basic SMTP" in safe["allowed@a.example"]
    assert "already blocked today" in safe["blocked@a.example"]
    assert [s.code for s in plan.scripts] == [
        "New-AuthenticationPolicy -Name 'Allow Basic SMTP (temporary)' -AllowBasicAuthSmtp\n"
        "Set-User -Identity 'app@a.example' -AuthenticationPolicy "
        "'Allow Basic SMTP (temporary)'\n"
        "Set-User -Identity 'basic@a.example' -AuthenticationPolicy "
        "'Allow Basic SMTP (temporary)'\n"
        "Set-User -Identity 'override@a.example' -AuthenticationPolicy "
        "'Allow Basic SMTP (temporary)'"]


def test_unknown_org_settings_make_the_outcome_unknown_not_safe(tenant_a):
    _sender(tenant_a, "basic@a.example")  # no TenantSettings snapshot at all
    plan = whatif.what_if_plans(tenant=tenant_a, today=TODAY)[whatif.BASIC_DEFAULT_OFF]
    assert _addresses(plan.unknown) == ["basic@a.example"] and plan.breaks == []


def test_migrated_and_quiet_senders_are_not_listed(tenant_a, estate):
    plans = whatif.what_if_plans(tenant=tenant_a, today=TODAY)
    listed = {i.sender.address for p in plans.values() for i in p.breaks + p.safe + p.unknown}
    assert "relay@a.example" not in listed and "quiet@a.example" not in listed


def test_the_page_renders_both_scenarios_for_a_viewer(client_for, victor, tenant_a, estate):
    page = client_for(victor).get(reverse("senders:what_if", args=[tenant_a.slug]))
    html = page.content.decode()
    assert "4 senders would break" in html and "3 senders would break" in html
    assert "Set-TransportConfig -SmtpClientAuthenticationDisabled $true" in html
    assert "Track exceptions" not in html


def test_a_manager_tracks_the_exceptions_with_an_expiry(client_for, alice, tenant_a, estate):
    expiry = TODAY + dt.timedelta(days=45)
    url = reverse("senders:what_if", args=[tenant_a.slug])
    response = client_for(alice).post(url, {"scenario": whatif.BASIC_DEFAULT_OFF,
                                            "expires_on": expiry.isoformat()})
    assert response.status_code == 302
    tracked = SenderException.objects.filter(kind="keep_basic")
    assert sorted(tracked.values_list("sender__address", flat=True)) == [
        "app@a.example", "basic@a.example", "override@a.example"]
    assert {(e.approver_id, e.expires_on) for e in tracked} == {(alice.pk, expiry)}
    # Tracking again moves the expiry instead of duplicating.
    client_for(alice).post(url, {"scenario": whatif.BASIC_DEFAULT_OFF,
                                 "expires_on": (expiry + dt.timedelta(days=1)).isoformat()})
    assert SenderException.objects.filter(kind="keep_basic").count() == 3


def test_helpdesk_cannot_track_exceptions(client_for, hana, tenant_a, estate):
    response = client_for(hana).post(reverse("senders:what_if", args=[tenant_a.slug]),
                                     {"scenario": whatif.ORG_OFF, "expires_on": "2099-01-01"})
    assert response.status_code == 403
    assert not SenderException.objects.exists()

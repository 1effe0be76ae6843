"""What-if planner on a tenant with senders in every situation, down to the script text."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from readiness.inventory.models import AuthenticationPolicy
from readiness.senders import whatif
from readiness.senders.models import SenderException
from readiness.usage.models import CoveredDay
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
    assert _addresses(plan.keeps_working) == ["override@a.example"]
    assert _addresses(plan.already_broken) == ["blocked@a.example"]
    assert plan.unknown == [] and plan.conflict == []
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
    keeps = {i.sender.address: i.why for i in plan.keeps_working}
    assert set(keeps) == {"allowed@a.example", "oauth@a.example"}
    assert keeps["oauth@a.example"].startswith("OAuth-only usage")
    assert "re-enables Basic SMTP" in keeps["allowed@a.example"]
    broken = {i.sender.address: i.why for i in plan.already_broken}
    assert set(broken) == {"blocked@a.example"}
    assert "blocked today while it still sends" in broken["blocked@a.example"]
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
    listed = {i.sender.address for p in plans.values() for _, i in p.rows}
    assert "relay@a.example" not in listed and "quiet@a.example" not in listed


def test_the_page_renders_both_scenarios_for_a_viewer(client_for, victor, tenant_a, estate):
    page = client_for(victor).get(reverse("senders:what_if", args=[tenant_a.slug]))
    html = page.content.decode()
    assert "4 would break" in html and "3 would break" in html
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


def test_the_page_uses_the_words_of_every_other_page(client_for, victor, tenant_a, estate):
    html = client_for(victor).get(reverse("senders:what_if", args=[tenant_a.slug])
                                  ).content.decode()
    assert ">safe<" not in html and "already safe" not in html
    assert "basic_possible" not in html and "oauth_only" not in html
    assert "Basic possible" in html and "already broken" in html
    assert "4 would break = 4 exceptions proposed" in html
    assert "+ 0 accepted risks" in html


def test_breaks_are_exceptions_proposed_plus_accepted_risks(client_for, alice, tenant_a,
                                                            estate):
    estate["basic"].status = "wont_fix"
    estate["basic"].save()
    plan = whatif.what_if_plans(tenant=tenant_a, today=TODAY)[whatif.BASIC_DEFAULT_OFF]
    assert len(plan.breaks) == len(plan.exceptions_proposed) + len(plan.accepted_risks) == 3
    assert _addresses(plan.accepted_risks) == ["basic@a.example"]
    assert "basic@a.example" not in plan.scripts[0].code
    client_for(alice).post(reverse("senders:what_if", args=[tenant_a.slug]),
                           {"scenario": whatif.BASIC_DEFAULT_OFF, "expires_on": "2099-01-01"})
    assert sorted(SenderException.objects.values_list("sender__address", flat=True)) == [
        "app@a.example", "override@a.example"]


@pytest.mark.django_db
def test_what_if_figures_equal_the_sender_tables(client_for, victor, tenant_a, estate):
    """Issue 12: the same senders show the same Basic/OAuth/sign-in figures on both pages."""
    import re

    from readiness.usage.rollups import usage_rollups_refresh

    for sender in estate.values():
        DailyUsageFactory(sender=sender, day=TODAY - dt.timedelta(days=1), source="signins",
                          auth_method="basic", messages=0, signins=3)
    for source in ("signins", "detailed_report"):  # both sources looked at yesterday
        CoveredDay.objects.create(tenant=tenant_a, source=source,
                                  day=TODAY - dt.timedelta(days=1))
    usage_rollups_refresh(tenant=tenant_a)
    client = client_for(victor)
    whatif_html = client.get(reverse("senders:what_if", args=[tenant_a.slug])).content.decode()
    table_html = client.get(reverse("senders:senders", args=[tenant_a.slug]),
                            {"_export": "csv"}).content.decode()
    import csv
    import io

    # The export is Excel-clean (a BOM, perhaps ";"): read it as Excel would.
    text = table_html.lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    table = {row["Address"]: row for row in csv.DictReader(io.StringIO(text), dialect=dialect)}
    rows = re.findall(r'data-sender="([^"]+)">.*?data-figure="basic_30d">(\d+)</td>'
                      r'<td data-figure="oauth_30d">(\d+)</td><td data-figure="signins_30d">'
                      r'(\d+)</td>', whatif_html)
    assert rows
    for address, basic, oauth, signins in rows:
        assert (basic, oauth, signins) == (
            table[address]["Basic msgs (30 d)"], table[address]["OAuth msgs (30 d)"],
            table[address]["Basic sign-ins (30 d)"]), address


def test_a_foreign_sender_breaks_but_gets_no_exception_and_no_script(client_for, alice,
                                                                     tenant_a, estate):
    """Both merges at once: evid-b's foreign-domain marking and evid-a's reconciliation
    (breaks = exceptions proposed + accepted risks + foreign, never a script for foreign)."""
    from readiness.tenancy.models import TenantDomain

    TenantDomain.objects.create(tenant=tenant_a, name="a.example", source="graph")
    _sender(tenant_a, "stray@contoso.cz", mailbox=False)
    plan = whatif.what_if_plans(tenant=tenant_a, today=TODAY)[whatif.BASIC_DEFAULT_OFF]
    assert "stray@contoso.cz" in _addresses(plan.breaks)
    assert _addresses(plan.foreign_breaks) == ["stray@contoso.cz"]
    assert "stray@contoso.cz" not in _addresses(plan.exceptions_proposed)
    assert len(plan.breaks) == (len(plan.exceptions_proposed) + len(plan.accepted_risks)
                                + len(plan.foreign_breaks))
    assert all("stray@contoso.cz" not in script.code for script in plan.scripts)
    client = client_for(alice)
    html = client.get(reverse("senders:what_if", args=[tenant_a.slug])).content.decode()
    assert "+ 1 on a foreign domain" in html and "foreign domain</span>" in html
    client.post(reverse("senders:what_if", args=[tenant_a.slug]),
                {"scenario": whatif.BASIC_DEFAULT_OFF, "expires_on": "2099-01-01"})
    assert not SenderException.objects.filter(sender__address="stray@contoso.cz").exists()


@pytest.mark.django_db
def test_a_source_that_never_looked_says_no_data_on_both_pages(client_for, victor, tenant_a,
                                                              estate):
    """Only report files cover the window (no sign-in log): a sign-in count of 0 would
    read "no Basic sign-ins", which nobody measured. Both pages say "no data"; the
    export leaves the cell empty."""
    from readiness.usage.rollups import usage_rollups_refresh

    CoveredDay.objects.create(tenant=tenant_a, source="detailed_report",
                              day=TODAY - dt.timedelta(days=1))
    usage_rollups_refresh(tenant=tenant_a)
    client = client_for(victor)
    whatif_html = client.get(reverse("senders:what_if", args=[tenant_a.slug])).content.decode()
    table_html = client.get(reverse("senders:senders", args=[tenant_a.slug])).content.decode()
    export = client.get(reverse("senders:senders", args=[tenant_a.slug]),
                        {"_export": "csv", "_sep": "comma"}).content.decode("utf-8-sig")
    assert '<td data-figure="signins_30d"><span class="text-body-secondary">no data' \
        in whatif_html
    assert '<td data-figure="basic_30d"><span' not in whatif_html  # reports did look
    assert "no data" in table_html
    header, *rows = export.splitlines()
    column = header.split(",").index("Basic sign-ins (30 d)")
    assert rows and all(row.split(",")[column] == "" for row in rows)

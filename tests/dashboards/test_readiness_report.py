"""readiness_report: the CLI face of the readiness summary and of the one readiness verdict."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import DailyUsageFactory, MailboxFactory, SenderFactory


def _run(*args, stdin=None) -> str:
    out = io.StringIO()
    extra = {"stdin": stdin} if stdin is not None else {}
    call_command(*args, stdout=out, stderr=io.StringIO(), **extra)
    return out.getvalue()


REPORT_KEYS = {"tenant", "as_of", "period", "org", "sources", "mailboxes", "usage", "senders",
               "mailbox_rows", "sender_rows", "state", "ready", "blockers"}


def test_the_report_has_exactly_the_agreed_shape(demo):
    _, tenant = demo("kovar-tisk")
    _run("ingest", "--tenant", tenant.slug)
    report = json.loads(_run("readiness_report", "--tenant", tenant.slug, "--format", "json"))
    assert set(report) == REPORT_KEYS
    assert set(report["org"]) == {"smtp_client_auth_disabled", "default_authentication_policy",
                                  "security_defaults"}
    assert set(report["sources"]) == {"signins", "exchange"}
    assert all(set(s) == {"status", "last_success", "message"}
               for s in report["sources"].values())
    assert report["sources"]["signins"]["status"] == "ok"
    assert set(report["mailboxes"]) == {"total", "basic_possible", "oauth_only",
                                        "smtp_auth_off", "unknown", "conflict"}
    assert set(report["usage"]) == {"basic_messages", "oauth_messages", "unknown_messages",
                                    "basic_signins", "failed_basic_signins", "first_day",
                                    "last_day"}
    assert set(report["senders"]) == {"total", "using_basic"}
    assert set(report["mailbox_rows"][0]) == {
        "address", "display_name", "smtp_auth", "effective", "reason", "basic_signins",
        "failed_basic_signins", "basic_messages", "last_basic_success", "last_failure",
        "last_failure_error_code", "conflict", "note"}
    assert set(report["sender_rows"][0]) == {
        "address", "basic_messages", "oauth_messages", "basic_signins",
        "failed_basic_signins", "last_basic_day", "status", "owner", "conflict"}
    assert report["usage"]["basic_signins"] > 0


def test_the_report_shows_a_source_that_needs_p1(demo):
    _, tenant = demo("contoso-retail")
    _run("ingest", "--tenant", tenant.slug, "--source", "signins")  # exits 0: a fact
    report = json.loads(_run("readiness_report", "--tenant", tenant.slug, "--format", "json"))
    assert report["sources"]["signins"] == {"status": "no_premium_license",
                                            "last_success": None,
                                            "message": "Sign-in logs need Entra ID P1"}
    assert report["sources"]["exchange"]["status"] == "never"


@pytest.mark.django_db
def test_fail_if_not_ready_exits_3_for_an_exposed_mailbox(tenant_a):
    MailboxFactory(tenant=tenant_a, effective_state="basic_possible")
    with pytest.raises(CommandError) as caught:
        _run("readiness_report", "--tenant", tenant_a.slug, "--fail-if-not-ready")
    assert caught.value.returncode == 3


@pytest.mark.django_db
def test_fail_if_not_ready_exits_3_for_recent_basic_use(tenant_a):
    DailyUsageFactory(sender=SenderFactory(tenant=tenant_a), messages=3)
    with pytest.raises(CommandError) as caught:
        _run("readiness_report", "--tenant", tenant_a.slug, "--fail-if-not-ready")
    assert caught.value.returncode == 3


@pytest.mark.django_db
def test_a_ready_tenant_passes(tenant_a):
    MailboxFactory(tenant=tenant_a, effective_state="oauth_only")
    # Ready also needs the score (readiness/usage/readiness.py): its one sender is migrated.
    DailyUsageFactory(sender=SenderFactory(tenant=tenant_a, status="migrated"),
                      auth_method="oauth")
    output = _run("readiness_report", "--tenant", tenant_a.slug, "--fail-if-not-ready")
    assert "Ready." in output


@pytest.mark.django_db
def test_the_csv_report_has_one_row_per_mailbox_and_sender(tenant_a):
    MailboxFactory(tenant=tenant_a, address="m@a.example")
    SenderFactory(tenant=tenant_a, address="s@a.example")
    lines = _run("readiness_report", "--tenant", tenant_a.slug, "--format", "csv").splitlines()
    assert lines[0].startswith("record,address") and len(lines) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-11-31"], "not a date"),
    (["--from", "2026-11-02", "--to", "2026-11-01"], "after --to"),
    (["--from", "2020-01-01", "--to", "2026-01-01"], "At most 400 days")])
def test_a_bad_period_is_refused_with_the_reason(tenant_a, args, message):
    with pytest.raises(CommandError, match=message):
        _run("readiness_report", "--tenant", tenant_a.slug, *args)


@pytest.mark.django_db
def test_the_period_is_utc_days_both_included(tenant_a):
    from datetime import date

    sender = SenderFactory(tenant=tenant_a)
    for day in (date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 1)):
        DailyUsageFactory(sender=sender, day=day, messages=1)
    report = json.loads(_run("readiness_report", "--tenant", tenant_a.slug, "--format", "json",
                             "--from", "2026-11-01", "--to", "2026-11-30"))
    assert report["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert report["usage"]["basic_messages"] == 2
    assert report["usage"]["first_day"] == "2026-11-01"
    assert report["usage"]["last_day"] == "2026-11-30"

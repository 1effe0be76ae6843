"""The two ingests end to end: the emulator, msal, the services and the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from readiness.connectors.errors import NoPremiumLicense
from readiness.connectors.services import exchange_ingest, signin_window_start, signins_ingest
from readiness.demo.emulator.faults import Faults
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestSchedule
from readiness.ingestion.services import ingest_run
from readiness.inventory.models import AuthenticationPolicy, Mailbox, TenantSettings
from readiness.senders.models import Sender
from readiness.usage.models import DailyUsage, SignInEvent
from readiness.usage.selectors import failed_signins_by_day

NOW = datetime.now(tz=UTC)


def _schedule(tenant):
    return IngestSchedule.objects.get(tenant=tenant, source="signins")


def _usage(tenant):
    return sorted(DailyUsage.objects.filter(tenant=tenant, source="signins").values_list(
        "sender__address", "day", "auth_method", "messages", "signins", "failed_signins"))


def test_the_first_read_covers_thirty_days_and_later_ones_overlap_two_hours():
    assert signin_window_start(watermark=None, now=NOW) == NOW - timedelta(days=30)
    assert signin_window_start(watermark=NOW - timedelta(hours=1), now=NOW) == (
        NOW - timedelta(hours=3))
    assert signin_window_start(watermark=NOW - timedelta(days=60), now=NOW) == (
        NOW - timedelta(days=30))


def test_it_stores_sign_ins_as_usage_and_counts_failures_apart(demo, fast_retry, limiter):
    universe, tenant = demo("kovar-tisk")
    counts = signins_ingest(tenant=tenant, schedule=_schedule(tenant), retry=fast_retry,
                            limiter=limiter, now=NOW)
    expected = universe.signins(NOW - timedelta(days=30), NOW)
    assert counts["signins_read"] == len(expected)
    assert SignInEvent.objects.filter(tenant=tenant).count() == len(expected)
    failures = [e for e in expected if e.error_code]
    senders = {e.user_principal_name for e in expected if not e.error_code}
    on_senders = [e for e in failures if e.user_principal_name in senders]
    assert sum(r[5] for r in _usage(tenant)) == len(on_senders)
    assert sum(r[4] for r in _usage(tenant)) == len(expected) - len(failures)
    # Failures on addresses that never sent stay attempts, not senders.
    assert set(Sender.objects.for_tenant(tenant).values_list("address", flat=True)) == senders
    stray = SignInEvent.objects.filter(tenant=tenant, sender__isnull=True)
    assert stray.count() == len(failures) - len(on_senders) > 0
    assert sum(failed_signins_by_day(tenant=tenant, start=(NOW - timedelta(days=30)).date(),
                                     end=NOW.date()).values()) == len(failures)
    assert set(SignInEvent.objects.exclude(error_code=0).values_list("error_code", flat=True)
               ) <= {50126, 50053, 50034}
    assert _schedule(tenant).watermark == NOW


def test_reading_the_same_window_twice_changes_nothing(demo, fast_retry, limiter):
    _, tenant = demo("kovar-tisk")
    signins_ingest(tenant=tenant, schedule=_schedule(tenant), retry=fast_retry,
                   limiter=limiter, now=NOW)
    first = _usage(tenant)
    IngestSchedule.objects.filter(tenant=tenant).update(watermark=None)
    signins_ingest(tenant=tenant, schedule=_schedule(tenant), retry=fast_retry,
                   limiter=limiter, now=NOW)
    assert _usage(tenant) == first


def test_a_later_read_continues_from_the_watermark(demo, m365, fast_retry, limiter):
    _, tenant = demo("kovar-tisk")
    signins_ingest(tenant=tenant, schedule=_schedule(tenant), retry=fast_retry,
                   limiter=limiter, now=NOW - timedelta(days=1))
    counts = signins_ingest(tenant=tenant, schedule=_schedule(tenant), retry=fast_retry,
                            limiter=limiter, now=NOW)
    assert counts["window_start"] == (NOW - timedelta(days=1, hours=2)).isoformat()


def test_a_read_broken_midway_keeps_every_page_it_read(demo, m365, fast_retry, limiter,
                                                       monkeypatch):
    """Pages are stored several to a transaction; a failure must not lose the ones held."""
    from readiness.connectors.errors import TransientError
    from readiness.connectors.graph import GraphClient

    _, tenant = demo("kovar-tisk")
    m365.state.graph_page_size = 50
    real, delivered = GraphClient.signin_pages, []

    def breaks_after_three_pages(self, **window):
        for page in real(self, **window):
            if len(delivered) == 3:
                raise TransientError("the connection was reset")
            delivered.append(page)
            yield page

    monkeypatch.setattr(GraphClient, "signin_pages", breaks_after_three_pages)
    with pytest.raises(TransientError):
        signins_ingest(tenant=tenant, schedule=_schedule(tenant), retry=fast_retry,
                       limiter=limiter, now=NOW)
    stored = set(SignInEvent.objects.filter(tenant=tenant).values_list("record_id", flat=True))
    assert stored == {r["id"] for page in delivered for r in page} and len(stored) == 150
    assert _schedule(tenant).watermark is None  # the next run reads the window again


def test_a_throttled_read_still_completes(demo, m365, fast_retry, limiter):
    universe, tenant = demo("northwind")
    m365.state.graph_page_size = 200
    m365.state.faults = Faults(rates={"429": 0.2, "429-no-retry-after": 0.1, "503": 0.1},
                               seed=7)
    counts = signins_ingest(tenant=tenant, schedule=_schedule(tenant), retry=fast_retry,
                            limiter=limiter, now=NOW)
    assert counts["signins_read"] == len(universe.signins(NOW - timedelta(days=30), NOW))


def test_no_p1_is_recorded_as_unlicensed_without_retry(demo):
    _, tenant = demo("contoso-retail")
    run = ingest_run(tenant=tenant, source="signins", triggered_by="test")
    assert (run.status, run.error) == (RunStatus.UNLICENSED, "Sign-in logs need Entra ID P1")
    tenant.connection.refresh_from_db()
    assert tenant.connection.has_entra_p1 is False
    assert tenant.connection.source_errors["signins"]["kind"] == "no_premium_license"
    assert tenant.connection.health == "degraded"
    assert _schedule(tenant).watermark is None


def test_a_clean_ingest_makes_the_connection_healthy(demo):
    _, tenant = demo("kovar-tisk")
    for source in ("signins", "exchange"):
        assert ingest_run(tenant=tenant, source=source, triggered_by="test").status == "ok"
    tenant.connection.refresh_from_db()
    assert (tenant.connection.health, tenant.connection.source_errors) == ("ok", {})


def test_no_p1_is_the_permanent_kind_of_error():
    assert NoPremiumLicense().status == RunStatus.UNLICENSED


def _inventory(tenant):
    return (sorted(Mailbox.objects.filter(tenant=tenant).values_list(
        "address", "display_name", "recipient_type", "smtp_auth", "authentication_policy",
        "effective_state", "effective_reason")),
        list(TenantSettings.objects.filter(tenant=tenant).values(
            "smtp_client_auth_disabled", "default_authentication_policy",
            "security_defaults_enabled", "conditional_access_blocks", "is_stale")),
        sorted(AuthenticationPolicy.objects.filter(tenant=tenant).values_list(
            "name", "distinguished_name", "allow_basic_auth_smtp")))


def test_the_exchange_snapshot_matches_the_tenant(demo, m365, fast_retry):
    universe, tenant = demo("kovar-tisk")
    m365.state.exchange_page_size = 9
    counts = exchange_ingest(tenant=tenant, retry=fast_retry)
    assert counts["mailboxes"] == len(universe.mailboxes)
    by_address = {m.address: m for m in Mailbox.objects.filter(tenant=tenant)}
    for mailbox in universe.mailboxes:
        stored = by_address[mailbox.address]
        assert stored.smtp_auth == {None: "inherit", True: "disabled",
                                    False: "enabled"}[mailbox.smtp_auth_disabled]
        assert stored.authentication_policy == (mailbox.authentication_policy or "")
        assert stored.recipient_type == mailbox.recipient_type
    assert TenantSettings.objects.get(tenant=tenant).smtp_client_auth_disabled is False


def test_the_same_exchange_ingest_twice_leaves_identical_data(demo, fast_retry):
    _, tenant = demo("northwind")
    exchange_ingest(tenant=tenant, retry=fast_retry)
    first = _inventory(tenant)
    exchange_ingest(tenant=tenant, retry=fast_retry)
    assert _inventory(tenant) == first


def test_a_truncated_read_keeps_the_last_good_snapshot_and_marks_it_stale(demo, m365,
                                                                          fast_retry):
    _, tenant = demo("kovar-tisk")
    exchange_ingest(tenant=tenant, retry=fast_retry)
    before = _inventory(tenant)[0]
    m365.state.faults = Faults(rates={"truncate": 1.0})
    run = ingest_run(tenant=tenant, source="exchange", triggered_by="test")
    assert run.status == RunStatus.PARTIAL
    assert _inventory(tenant)[0] == before
    assert TenantSettings.objects.get(tenant=tenant).is_stale is True


def test_mailboxes_that_vanished_go_only_after_a_complete_read(demo, m365, fast_retry):
    _, tenant = demo("kovar-tisk")
    Mailbox.objects.create(tenant=tenant, address="gone@kovartisk.cz")
    m365.state.faults = Faults(rates={"truncate": 1.0})
    exchange_ingest(tenant=tenant, retry=fast_retry)
    assert Mailbox.objects.filter(address="gone@kovartisk.cz").exists()
    m365.state.faults = Faults()
    assert exchange_ingest(tenant=tenant, retry=fast_retry)["mailboxes_deleted"] == 1
    assert not Mailbox.objects.filter(address="gone@kovartisk.cz").exists()


def test_a_missing_role_fails_the_run_and_marks_the_snapshot_stale(demo):
    _, tenant = demo("adatum")
    run = ingest_run(tenant=tenant, source="exchange", triggered_by="test")
    assert run.status == RunStatus.FAILED and "Global Reader" in run.error
    assert TenantSettings.objects.get(tenant=tenant).is_stale is True
    tenant.connection.refresh_from_db()
    assert tenant.connection.source_errors["exchange"]["kind"] == "missing_permission"


def test_unreadable_policies_make_exposed_mailboxes_unknown_not_basic(demo, m365, fast_retry):
    universe, tenant = demo("kovar-tisk")
    m365.state.apps[universe.client_id].roles.discard("Policy.Read.All")
    exchange_ingest(tenant=tenant, retry=fast_retry)
    org = TenantSettings.objects.get(tenant=tenant)
    assert (org.security_defaults_enabled, org.conditional_access_blocks) == (None, None)
    states = set(Mailbox.objects.filter(tenant=tenant).values_list("effective_state",
                                                                   flat=True))
    assert "basic_possible" not in states and "unknown" in states


@pytest.mark.parametrize("slug", ["fabrikam", "adatum"])
def test_blocked_tenants_have_no_basic_possible_mailbox(demo, slug, fast_retry, m365):
    universe, tenant = demo(slug)
    m365.state.tenants[universe.tenant_id].has_directory_role = True
    try:
        exchange_ingest(tenant=tenant, retry=fast_retry)
    finally:
        m365.state.tenants[universe.tenant_id].has_directory_role = universe.slug != "adatum"
    assert not Mailbox.objects.filter(tenant=tenant, effective_state="basic_possible").exists()

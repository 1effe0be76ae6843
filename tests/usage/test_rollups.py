from datetime import UTC, date, datetime, time, timedelta

import pytest

from readiness.inventory.models import Mailbox
from readiness.usage.models import SenderRollup, SignInEvent, TenantDay, TenantRollup
from readiness.usage.readiness import readiness_score
from readiness.usage.rollups import usage_rollups_refresh
from tests.factories import DailyUsageFactory, MailboxFactory, SenderFactory

TODAY = date(2026, 11, 29)


def test_the_score_weights_messages_senders_and_mailboxes():
    score = readiness_score(smtp_messages=100, basic_messages=50, senders_total=10,
                            senders_done=5, mailboxes_total=10, mailboxes_basic_possible=0)
    assert score == round(100 * (0.5 * 0.5 + 0.3 * 0.5 + 0.2 * 1.0))


def test_an_unknown_share_is_left_out_rather_than_counted_as_zero_usage():
    only_senders = readiness_score(smtp_messages=0, basic_messages=0, senders_total=4,
                                   senders_done=1, mailboxes_total=0, mailboxes_basic_possible=0)
    assert only_senders == 25
    assert readiness_score(smtp_messages=0, basic_messages=0, senders_total=0, senders_done=0,
                           mailboxes_total=0, mailboxes_basic_possible=0) is None


@pytest.fixture
def usage(tenant_a):
    printer = SenderFactory(tenant=tenant_a, address="printer@a.example")
    app = SenderFactory(tenant=tenant_a, address="app@a.example", status="migrated")
    SenderFactory(tenant=tenant_a, address="quiet@a.example")
    for offset in range(3):
        day = TODAY - timedelta(days=offset)
        # Two sources describe the same mail: the larger figure counts, once.
        DailyUsageFactory(sender=printer, day=day, messages=10, source="detailed_report")
        DailyUsageFactory(sender=printer, day=day, messages=8, source="export")
        DailyUsageFactory(sender=app, day=day, auth_method="oauth", messages=5)
    DailyUsageFactory(sender=printer, day=TODAY, messages=0, signins=3, failed_signins=2,
                      source="signins")
    # Seven failed sign-ins that day: two on the printer, five sprayed at other addresses.
    for n in range(7):
        SignInEvent.objects.create(
            tenant=tenant_a, record_id=f"fail-{n}", sender=printer if n < 2 else None,
            created_at=datetime.combine(TODAY, time(8, n), tzinfo=UTC),
            user_principal_name="printer@a.example" if n < 2 else f"victim{n}@a.example",
            error_code=50126)
    MailboxFactory(tenant=tenant_a, effective_state="basic_possible")
    MailboxFactory(tenant=tenant_a, effective_state="oauth_only")
    usage_rollups_refresh(tenant=tenant_a, days=10, today=TODAY)
    return printer


def test_daily_rollups_deduplicate_sources_and_record_coverage(usage, tenant_a):
    today = TenantDay.objects.get(tenant=tenant_a, day=TODAY)
    assert (today.basic_messages, today.oauth_messages) == (10, 5)
    assert (today.basic_signins, today.failed_signins) == (3, 7)
    assert today.sources == "detailed_report,export,signins"
    assert today.basic_senders_by_status == {"new": 1}
    assert not TenantDay.objects.filter(tenant=tenant_a, day=TODAY - timedelta(days=5)).exists()


def test_sender_rollups_cover_every_sender_including_the_quiet_ones(usage, tenant_a):
    rollups = {r.sender.address: r for r in SenderRollup.objects.filter(tenant=tenant_a)}
    assert rollups["printer@a.example"].basic_messages_30d == 30
    assert rollups["printer@a.example"].basic_signins_30d == 3
    assert rollups["quiet@a.example"].basic_messages_30d == 0


def test_the_tenant_rollup_carries_the_score_and_freshness(usage, tenant_a):
    rollup = TenantRollup.objects.get(tenant=tenant_a)
    assert rollup.basic_senders_30d == 1
    assert (rollup.basic_messages_30d, rollup.smtp_messages_30d) == (30, 45)
    assert rollup.mailboxes_basic_possible == 1
    assert rollup.last_day_by_source["signins"] == TODAY.isoformat()
    assert rollup.score == readiness_score(smtp_messages=45, basic_messages=30, senders_total=3,
                                           senders_done=1, mailboxes_total=2,
                                           mailboxes_basic_possible=1)


def test_refreshing_twice_gives_the_same_rows(usage, tenant_a):
    usage_rollups_refresh(tenant=tenant_a, days=10, today=TODAY)
    assert TenantDay.objects.filter(tenant=tenant_a).count() == 3
    assert SenderRollup.objects.filter(tenant=tenant_a).count() == 3
    assert Mailbox.objects.filter(tenant=tenant_a).count() == 2


def test_a_sender_created_between_refreshes_gets_a_zero_rollup(usage, tenant_a):
    from readiness.usage.rollups import tenant_rollup_refresh

    late = SenderFactory(tenant=tenant_a, address="late@a.example")
    tenant_rollup_refresh(tenant=tenant_a, today=TODAY)
    assert SenderRollup.objects.get(sender=late).basic_messages_30d == 0


def test_the_burndown_counts_each_day_the_senders_with_basic_in_the_7_days_to_it(tenant_a):
    """The piecewise count (rollups._apply_burndown) against the definition, on senders
    with irregular Basic days, gaps longer and shorter than a week, and OAuth-only days."""
    import random

    rng = random.Random(14)
    start = TODAY - timedelta(days=40)
    basic_days: dict[str, list[date]] = {}
    for n in range(12):
        status = ("new", "migrated", "in_progress")[n % 3]
        sender = SenderFactory(tenant=tenant_a, address=f"s{n}@a.example", status=status)
        days = sorted(rng.sample(range(-8, 41), rng.randint(0, 12)))
        basic_days[sender.address] = [(status, start + timedelta(days=d)) for d in days]
        for d in days:
            DailyUsageFactory(sender=sender, day=start + timedelta(days=d), messages=1,
                              source="detailed_report")
        DailyUsageFactory(sender=sender, day=TODAY, auth_method="oauth", messages=1,
                          source="detailed_report")  # every day of the window has data
        for d in range(0, 41):
            DailyUsageFactory(sender=sender, day=start + timedelta(days=d), auth_method="oauth",
                              messages=1, source="signins")
    usage_rollups_refresh(tenant=tenant_a, days=41, today=TODAY)
    for row in TenantDay.objects.filter(tenant=tenant_a, day__range=(start, TODAY)):
        expected: dict[str, int] = {}
        for days in basic_days.values():
            statuses = {status for status, day in days if 0 <= (row.day - day).days < 7}
            for status in statuses:
                expected[status] = expected.get(status, 0) + 1
        assert row.basic_senders_by_status == expected, row.day

"""Evidence against configuration, proved on the emulator's tenants (issue 12, "Done when"):
sign-ins joined to mailboxes on the user id, conflicts flagged exactly, periods honoured."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from readiness.inventory.choices import BASIC_BLOCKED_STATES
from readiness.inventory.models import Mailbox
from readiness.usage.evidence import conflicted_mailboxes, is_conflict, mailbox_evidence
from readiness.usage.models import TenantRollup
from readiness.usage.readiness import readiness_blockers
from tests.factories import DailyUsageFactory, MailboxFactory, SenderFactory

SLUGS = ["kovar-tisk", "northwind", "fabrikam"]  # adatum: no Exchange role, no snapshot


def _report(slug: str, start: date, end: date) -> dict:
    out = io.StringIO()
    call_command("readiness_report", tenant=slug, format="json", start=start, end=end,
                 stdout=out)
    return json.loads(out.getvalue())


def _ingest(slug: str) -> None:
    call_command("ingest", tenant=slug, source="all", stdout=io.StringIO(),
                 stderr=io.StringIO())


def _successes(universe, object_id: str, start: date, end: date) -> int:
    """What Graph served: the ingest reads up to its own "now", not the rest of today."""
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = min(datetime.combine(end, time.max, tzinfo=UTC), timezone.now())
    return sum(1 for e in universe.signins(since, until)
               if e.user_id == object_id and e.error_code == 0)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_mailbox_counts_the_successful_sign_ins_of_its_user(demo, slug):
    universe, _ = demo(slug)
    _ingest(slug)
    end = timezone.now().date()
    start = end - timedelta(days=20)
    rows = {r["address"]: r for r in _report(slug, start, end)["mailbox_rows"]}
    assert len(rows) == len(universe.mailboxes)
    for mailbox in universe.mailboxes:
        assert rows[mailbox.address]["basic_signins"] == _successes(
            universe, mailbox.object_id, start, end), mailbox.address


def test_a_user_whose_upn_differs_from_the_address_is_joined_on_the_user_id(demo):
    universe, _ = demo("kovar-tisk")
    backup = universe.mailbox("backup@kovartisk.cz")
    assert backup.user_principal_name != backup.address  # the case under test
    _ingest("kovar-tisk")
    end = timezone.now().date()
    row = next(r for r in _report("kovar-tisk", end - timedelta(days=29), end)["mailbox_rows"]
               if r["address"] == backup.address)
    assert row["basic_signins"] == _successes(universe, backup.object_id,
                                              end - timedelta(days=29), end) > 0
    # The sign-ins went to the mailbox's sender, not to a sender named after the UPN.
    senders = {r["address"]: r for r in _report("kovar-tisk", end - timedelta(days=29),
                                                end)["sender_rows"]}
    assert backup.user_principal_name not in senders
    assert senders[backup.address]["basic_signins"] == row["basic_signins"]


@pytest.mark.parametrize("slug", SLUGS)
def test_the_report_flags_exactly_the_mailboxes_blocked_while_basic_succeeded(demo, slug):
    universe, _ = demo(slug)
    _ingest(slug)
    end = timezone.now().date()
    start = end - timedelta(days=29)
    rows = _report(slug, start, end)["mailbox_rows"]
    flagged = {r["address"] for r in rows if r["conflict"]}
    expected = {r["address"] for r in rows if r["effective"] in BASIC_BLOCKED_STATES
                and _successes(universe, universe.mailbox(r["address"]).object_id,
                               start, end)}
    assert flagged == expected
    # ... and the demo's conflicts are exactly the deliberate ones.
    assert flagged == set(universe.deliberate_conflicts)
    for row in rows:
        if row["conflict"]:
            assert row["note"].startswith("Conflict: OAuth only, yet ")


def test_a_period_before_the_traffic_flags_nothing(demo):
    universe, _ = demo("northwind")
    _ingest("northwind")
    old = universe.start - timedelta(days=40)
    report = _report("northwind", old, old + timedelta(days=5))
    assert report["period"] == {"from": old.isoformat(),
                                "to": (old + timedelta(days=5)).isoformat()}
    assert not any(r["conflict"] or r["basic_signins"] for r in report["mailbox_rows"])
    assert not any(r["conflict"] for r in report["sender_rows"])


def test_conflicts_count_against_readiness(demo):
    _, tenant = demo("northwind")
    _ingest("northwind")
    rollup = TenantRollup.objects.get(tenant=tenant)
    assert rollup.mailboxes_conflict == 1
    assert any("in conflict" in reason for reason in readiness_blockers(rollup))


def test_the_sender_row_carries_the_conflict(demo):
    universe, _ = demo("kovar-tisk")
    _ingest("kovar-tisk")
    end = timezone.now().date()
    senders = _report("kovar-tisk", end - timedelta(days=29), end)["sender_rows"]
    assert {r["address"] for r in senders if r["conflict"]} == set(
        universe.deliberate_conflicts)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_overview_lists_the_same_conflicts_as_the_full_evaluation(demo, slug):
    # The overview's bounded finder (sign-ins joined on the user id) agrees with the
    # whole-tenant evidence the report and the rollup use.
    universe, tenant = demo(slug)
    _ingest(slug)
    end = timezone.now().date()
    start = end - timedelta(days=29)
    found, more = conflicted_mailboxes(tenant=tenant, start=start, end=end, limit=50)
    assert {m.address for m, _e in found} == set(universe.deliberate_conflicts)
    assert not more


# --- Rules on hand-made data ----------------------------------------------------------


@pytest.mark.django_db
def test_the_overview_lists_the_first_conflicts_and_says_there_are_more(tenant_a):
    # Report traffic on blocked mailboxes: only the first ones are examined and listed;
    # a blocked mailbox whose use predates its block is no conflict and is skipped.
    today = timezone.now().date()
    for n in range(5):
        box = MailboxFactory(tenant=tenant_a, address=f"c{n}@a.example",
                             effective_state="smtp_auth_off",
                             blocked_since=(timezone.now() + timedelta(days=1)
                                            if n == 0 else None))
        sender = SenderFactory(tenant=tenant_a, address=box.address, mailbox=box)
        DailyUsageFactory(sender=sender, day=today, messages=3, source="detailed")
    quiet = MailboxFactory(tenant=tenant_a, address="a-quiet@a.example",
                           effective_state="oauth_only")
    found, more = conflicted_mailboxes(tenant=tenant_a, start=today, end=today, limit=2)
    assert [m.address for m, _e in found] == ["c1@a.example", "c2@a.example"] and more
    found, more = conflicted_mailboxes(tenant=tenant_a, start=today, end=today, limit=4)
    assert len(found) == 4 and not more and quiet not in [m for m, _e in found]


@pytest.mark.django_db
def test_report_traffic_on_a_proxy_address_belongs_to_the_mailbox(tenant_a):
    from readiness.senders.identity import sender_mailboxes_link

    mailbox = MailboxFactory(tenant=tenant_a, address="scan@a.example",
                             proxy_addresses=["scanner-old@a.example"],
                             effective_state="smtp_auth_off")
    sender = SenderFactory(tenant=tenant_a, address="scanner-old@a.example")
    sender_mailboxes_link(tenant=tenant_a)
    sender.refresh_from_db()
    assert sender.mailbox == mailbox
    today = timezone.now().date()
    DailyUsageFactory(sender=sender, day=today, messages=7, source="detailed")
    evidence = mailbox_evidence(tenant=tenant_a, start=today, end=today)[mailbox.pk]
    assert evidence.basic_messages == 7 and is_conflict(mailbox, evidence)


@pytest.mark.django_db
def test_a_page_of_mailboxes_reads_only_its_own_usage(tenant_a):
    # The sender and mailbox tables ask for their page's mailboxes: the same evidence as
    # the whole tenant's, without reading every other sender's days (50,000 senders:
    # seconds per page before).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.now().date()
    boxes = [MailboxFactory(tenant=tenant_a, address=f"box{n}@a.example",
                            effective_state="oauth_only") for n in range(3)]
    for n, box in enumerate(boxes):
        sender = SenderFactory(tenant=tenant_a, address=box.address, mailbox=box)
        DailyUsageFactory(sender=sender, day=today, messages=5 + n, source="detailed")
    whole = mailbox_evidence(tenant=tenant_a, start=today, end=today)
    with CaptureQueriesContext(connection) as queries:
        page = mailbox_evidence(tenant=tenant_a, start=today, end=today, mailboxes=boxes[:2])
    assert {pk: e.basic_messages for pk, e in page.items()} == {
        boxes[0].pk: 5, boxes[1].pk: 6} == {pk: whole[pk].basic_messages for pk in page}
    usage = [q["sql"] for q in queries if "usage_dailyusage" in q["sql"]]
    assert len(usage) == 1 and '"mailbox_id" IN (' in usage[0], usage


@pytest.mark.django_db
def test_use_before_a_known_block_is_history_not_a_conflict(tenant_a):
    from readiness.usage.evidence import block_note
    from readiness.usage.models import SignInEvent

    now = timezone.now()
    mailbox = MailboxFactory(tenant=tenant_a, object_id="u-1", effective_state="oauth_only",
                             blocked_since=now - timedelta(days=3))
    SignInEvent.objects.create(tenant=tenant_a, record_id="r1", user_id="u-1",
                               user_principal_name="x@a.example", error_code=0,
                               created_at=now - timedelta(days=5))
    today = now.date()
    evidence = mailbox_evidence(tenant=tenant_a, start=today - timedelta(days=29),
                                end=today)[mailbox.pk]
    assert evidence.basic_signins == 1 and not is_conflict(mailbox, evidence)
    assert block_note(mailbox, evidence) == (
        f"Basic last succeeded before the block of {mailbox.blocked_since.date()}: "
        "watch for failures")
    SignInEvent.objects.create(tenant=tenant_a, record_id="r2", user_id="U-1",
                               user_principal_name="x@a.example", error_code=0,
                               created_at=now - timedelta(days=1))
    evidence = mailbox_evidence(tenant=tenant_a, start=today - timedelta(days=29),
                                end=today)[mailbox.pk]
    assert evidence.basic_signins == 2 and is_conflict(mailbox, evidence)


@pytest.mark.django_db
def test_a_snapshot_dates_the_block_only_after_seeing_basic_possible(tenant_a):
    from readiness.inventory.models import TenantSettings
    from readiness.inventory.services import mailbox_states_recompute

    TenantSettings.objects.create(tenant=tenant_a, smtp_client_auth_disabled=False,
                                  security_defaults_enabled=False,
                                  conditional_access_blocks=[])
    mailbox = MailboxFactory(tenant=tenant_a, smtp_auth="inherit")
    mailbox_states_recompute(tenant=tenant_a)
    mailbox.refresh_from_db()
    assert (mailbox.effective_state, mailbox.blocked_since) == ("basic_possible", None)
    TenantSettings.objects.filter(tenant=tenant_a).update(security_defaults_enabled=True)
    mailbox_states_recompute(tenant=tenant_a)
    mailbox.refresh_from_db()
    assert mailbox.effective_state == "oauth_only" and mailbox.blocked_since is not None
    assert Mailbox.objects.filter(pk=mailbox.pk, blocked_since__isnull=False).exists()


@pytest.mark.django_db
def test_the_user_id_decides_and_the_upn_only_stands_in_without_one(tenant_a):
    from readiness.usage.models import SignInEvent

    now = timezone.now()
    known = MailboxFactory(tenant=tenant_a, address="scan@a.example", object_id="id-scan")
    unread = MailboxFactory(tenant=tenant_a, address="erp@a.example", object_id="")

    def signin(record, user_id, upn):
        SignInEvent.objects.create(tenant=tenant_a, record_id=record, user_id=user_id,
                                   user_principal_name=upn, error_code=0, created_at=now)

    signin("1", "ID-SCAN", "svc.scan@a.onmicrosoft.com")  # id matches, UPN differs
    signin("2", "", "scan@a.example")  # no id: the UPN stands in
    signin("3", "someone-else", "scan@a.example")  # another user borrowing the name
    signin("4", "id-erp", "erp@a.example")  # the mailbox's id was never read
    today = now.date()
    evidence = mailbox_evidence(tenant=tenant_a, start=today, end=today)
    assert evidence[known.pk].basic_signins == 2
    assert evidence[unread.pk].basic_signins == 1


@pytest.mark.django_db
def test_a_page_reads_only_its_mailboxes_sign_ins_and_finds_the_same_evidence(tenant_a):
    """The page's sign-ins are picked in SQL by user id or UPN, without case, as
    _mailbox_of joins them: the same Evidence as the whole tenant's pass, field by field
    (failures, their codes and the failures after a block included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from readiness.usage.models import SignInEvent

    now = timezone.now()
    blocked = MailboxFactory(tenant=tenant_a, address="scan@a.example", object_id="id-scan",
                             effective_state="oauth_only", blocked_since=now - timedelta(
                                 hours=5))
    upn_only = MailboxFactory(tenant=tenant_a, address="erp@a.example", object_id="",
                              proxy_addresses=["ERP.Old@a.example"])
    other = MailboxFactory(tenant=tenant_a, address="hr@a.example", object_id="id-hr")
    events = [("ID-SCAN", "svc@a.onmicrosoft.com", 0, 6), ("id-scan", "x@a.example", 50126, 2),
              ("", "SCAN@A.EXAMPLE", 0, 4), ("", "erp.old@A.example", 535, 1),
              ("", "Erp@a.example", 0, 3), ("id-hr", "hr@a.example", 0, 1),
              ("id-hr", "hr@a.example", 50126, 1), ("stranger", "scan@a.example", 0, 1)]
    for n, (user_id, upn, code, hours_ago) in enumerate(events):
        SignInEvent.objects.create(tenant=tenant_a, record_id=str(n), user_id=user_id,
                                   user_principal_name=upn, error_code=code,
                                   created_at=now - timedelta(hours=hours_ago))
    start, end = now.date() - timedelta(days=1), now.date()
    whole = mailbox_evidence(tenant=tenant_a, start=start, end=end)
    with CaptureQueriesContext(connection) as queries:
        page = mailbox_evidence(tenant=tenant_a, start=start, end=end,
                                mailboxes=[blocked, upn_only])
    assert page == {blocked.pk: whole[blocked.pk], upn_only.pk: whole[upn_only.pk]}
    assert page[blocked.pk].basic_signins == 2 and page[blocked.pk].failures_after_block == 1
    assert page[upn_only.pk].basic_signins == 1 and page[upn_only.pk].failure_codes == [535]
    assert whole[other.pk].basic_signins == 1
    signins = [q["sql"] for q in queries if "usage_signinevent" in q["sql"]]
    assert signins and all("LOWER(" in sql.upper() for sql in signins), signins

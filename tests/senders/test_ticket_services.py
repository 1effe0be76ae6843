"""Tickets: derived due date and priority, optimistic concurrency, assignment, comments."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from readiness.milestones.models import Milestone
from readiness.senders.models import Sender, Ticket, TicketEvent
from readiness.senders.services import (
    TicketConflict,
    ticket_assign,
    ticket_comment,
    ticket_create,
    ticket_default_due,
    ticket_derive_priority,
    ticket_update,
)
from tests.factories import DailyUsageFactory, SenderFactory, TicketFactory

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def deadline(tenant_a):
    return Milestone.objects.create(tenant=tenant_a, key="internal-target",
                                    date=dt.date(2026, 9, 1), kind="internal", title="Target")


def test_the_due_date_defaults_to_the_next_milestone_minus_the_buffer(tenant_a, deadline):
    Milestone.objects.create(tenant=tenant_a, key="announce", date=dt.date(2026, 7, 1),
                             kind="announcement", title="Not a deadline")
    assert ticket_default_due(tenant=tenant_a, today=TODAY) == dt.date(2026, 8, 18)


def test_a_past_milestone_is_not_a_due_date(tenant_a):
    Milestone.objects.filter(tenant__isnull=True).delete()  # Microsoft's seeded dates
    Milestone.objects.create(tenant=tenant_a, key="old", date=dt.date(2026, 1, 1),
                             kind="internal", title="Past")
    assert ticket_default_due(tenant=tenant_a, today=TODAY) is None


@pytest.mark.parametrize(("volume", "days_left", "expected"), [
    (10, -1, "urgent"), (10, 10, "urgent"), (0, 10, "high"), (600, 90, "high"),
    (0, 90, "low"), (50, 90, "normal"), (50, None, "normal"),
])
def test_priority_follows_basic_volume_and_days_left(volume, days_left, expected):
    due = TODAY + dt.timedelta(days=days_left) if days_left is not None else None
    assert ticket_derive_priority(basic_messages_30d=volume, due_date=due,
                                  today=TODAY) == expected


def test_a_ticket_for_a_group_derives_due_date_and_priority(tenant_a, hana, deadline):
    senders = SenderFactory.create_batch(2, tenant=tenant_a)
    DailyUsageFactory(sender=senders[0], day=TODAY - dt.timedelta(days=1), messages=700)
    ticket = ticket_create(tenant=tenant_a, senders=senders, actor=hana, today=TODAY)
    assert ticket.due_date == dt.date(2026, 8, 18)
    assert (ticket.priority, ticket.priority_overridden) == ("high", False)
    assert set(ticket.senders.all()) == set(senders)
    assert ticket.title.startswith("Migrate 2 senders")


@pytest.mark.parametrize(("fields", "title"), [
    ({"team": "Finance"}, "Migrate 3 senders: team Finance"),
    ({"owner_name": "Petr Král"}, "Migrate 3 senders: owned by Petr Král"),
    ({"device_type": "printer"}, "Migrate 3 senders: Printer / MFD"),
    ({"migration_path": "hve"}, "Migrate 3 senders: to High Volume Email"),
])
def test_a_group_ticket_is_titled_by_its_group(tenant_a, hana, fields, title):
    senders = [SenderFactory(tenant=tenant_a, address=f"dev{i}@{i}.example", **fields)
               for i in range(3)]
    assert ticket_create(tenant=tenant_a, senders=senders, actor=hana).title == title


def test_a_group_with_nothing_in_common_is_counted_not_named_after_its_first(tenant_a, hana):
    senders = [SenderFactory(tenant=tenant_a, address=f"dev{i}@{i}.example") for i in range(3)]
    title = ticket_create(tenant=tenant_a, senders=senders, actor=hana).title
    assert title == "Migrate 3 senders" and "dev0" not in title


def test_an_explicit_priority_is_marked_overridden(tenant_a, hana):
    ticket = ticket_create(tenant=tenant_a, senders=[SenderFactory(tenant=tenant_a)],
                           actor=hana, priority="urgent", today=TODAY)
    assert (ticket.priority, ticket.priority_overridden) == ("urgent", True)


def test_it_refuses_a_viewer_as_assignee(tenant_a, hana, victor):
    with pytest.raises(ValidationError, match="not helpdesk or manager"):
        ticket_create(tenant=tenant_a, senders=[SenderFactory(tenant=tenant_a)], actor=hana,
                      assignee=victor)


def test_it_refuses_a_manager_of_another_tenant_as_assignee(tenant_a, hana, bob):
    ticket = TicketFactory(tenant=tenant_a)
    with pytest.raises(ValidationError):
        ticket_assign(tenant=tenant_a, ticket=ticket, assignee=bob, actor=hana)


def test_assignment_mails_the_assignee_and_moves_new_senders_to_assigned(
        tenant_a, alice, hana, django_capture_on_commit_callbacks):
    sender = SenderFactory(tenant=tenant_a, status="new")
    ticket = TicketFactory(tenant=tenant_a)
    ticket.senders.add(sender)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(tenant=tenant_a, ticket=ticket, assignee=hana, actor=alice)
    assert Sender.objects.get(pk=sender.pk).status == "assigned"
    assert [m.to for m in mail.outbox] == [[hana.email]]
    assert "assigned to you" in mail.outbox[0].subject


def test_a_ticket_edited_twice_gives_the_second_editor_a_conflict(tenant_a, alice, hana):
    ticket = TicketFactory(tenant=tenant_a, title="Printers")
    alices_copy, hanas_copy = Ticket.objects.get(pk=ticket.pk), Ticket.objects.get(pk=ticket.pk)
    ticket_update(tenant=tenant_a, ticket=alices_copy, expected_version=alices_copy.version,
                  changes={"title": "Printers, floor 2"}, actor=alice)
    with pytest.raises(TicketConflict, match="changed by alice meanwhile") as conflict:
        ticket_update(tenant=tenant_a, ticket=hanas_copy, expected_version=hanas_copy.version,
                      changes={"title": "Scanners"}, actor=hana)
    assert conflict.value.current.title == "Printers, floor 2"
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.title, fresh.version, fresh.updated_by) == ("Printers, floor 2", 2, alice)


def test_two_people_assigning_at_once_leaves_exactly_one_winner(
        tenant_a, alice, hana, msp_admin, django_capture_on_commit_callbacks):
    ticket = TicketFactory(tenant=tenant_a)
    first, second = Ticket.objects.get(pk=ticket.pk), Ticket.objects.get(pk=ticket.pk)
    outcomes = []
    with django_capture_on_commit_callbacks(execute=True):
        for copy, assignee in ((first, hana), (second, alice)):
            try:
                ticket_assign(tenant=tenant_a, ticket=copy, assignee=assignee, actor=msp_admin)
                outcomes.append("won")
            except TicketConflict:
                outcomes.append("conflict")
    assert outcomes == ["won", "conflict"]
    assert Ticket.objects.get(pk=ticket.pk).assignee == hana
    assert TicketEvent.objects.filter(ticket=ticket, kind="assigned").count() == 1
    assert len(mail.outbox) == 1


def test_changing_the_priority_by_hand_marks_it_overridden(tenant_a, hana):
    ticket = TicketFactory(tenant=tenant_a)
    fresh = ticket_update(tenant=tenant_a, ticket=ticket, expected_version=1,
                          changes={"priority": "urgent"}, actor=hana)
    assert fresh.priority_overridden
    event = TicketEvent.objects.get(ticket=ticket)
    assert event.changes == {"priority": ["normal", "urgent"],
                             "priority_overridden": [False, True]}


def test_an_invalid_status_is_refused_and_nothing_changes(tenant_a, hana):
    ticket = TicketFactory(tenant=tenant_a)
    with pytest.raises(ValidationError):
        ticket_update(tenant=tenant_a, ticket=ticket, expected_version=1,
                      changes={"status": "bogus"}, actor=hana)
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_a_comment_is_recorded_in_the_history(tenant_a, hana):
    ticket = TicketFactory(tenant=tenant_a)
    comment = ticket_comment(tenant=tenant_a, ticket=ticket, body="  Called the vendor ",
                             actor=hana)
    assert comment.body == "Called the vendor"
    assert TicketEvent.objects.filter(ticket=ticket, kind="commented").exists()
    with pytest.raises(ValidationError):
        ticket_comment(tenant=tenant_a, ticket=ticket, body="   ", actor=hana)

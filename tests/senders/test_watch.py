"""Breakage watch and conflict notices (issue 12, items 2 and 3), on the emulator's
tenants: Fabrikam's cut-over printer keeps failing; Northwind's scanner is in conflict."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from readiness.notifications.models import Notification
from readiness.senders.models import Sender, Ticket
from readiness.senders.services import ticket_update, workflow_evaluate
from readiness.tenancy.models import Membership


def _ingest(slug: str) -> None:
    call_command("ingest", tenant=slug, source="all", stdout=io.StringIO(),
                 stderr=io.StringIO())


def _manager(tenant, alice):
    Membership.objects.create(tenant=tenant, user=alice, role="manager")


def _known_from_reports(tenant, address):
    """The printer is a sender from older report files (its Basic use ended > 30 days
    ago, so the sign-in log alone would only show failures, which make no sender)."""
    from readiness.usage.services import senders_ensure

    senders_ensure(tenant=tenant, addresses=[address])


def test_a_blocked_printer_that_keeps_failing_is_watched(demo, django_user_model):
    _, tenant = demo("fabrikam")
    manager = django_user_model.objects.create_user("m", email="m@fabrikam.example")
    _manager(tenant, manager)
    _known_from_reports(tenant, "tiskarna2@fabrikam.example")
    _ingest("fabrikam")  # sign-ins, then the snapshot that blocks: the pass runs after each
    workflow_evaluate(tenant=tenant)
    printer = Sender.objects.get(tenant=tenant, address="tiskarna2@fabrikam.example")
    ticket = Ticket.objects.get(tenant=tenant, senders=printer)
    note = ticket.comments.get().body
    assert "failing since" in note and "error codes 53003" in note
    broken = [m for m in mail.outbox if "failing with Basic" in m.subject]
    assert len(broken) == 1 and broken[0].to == ["m@fabrikam.example"]
    assert "failing since" in broken[0].body
    # No other Fabrikam sender is called broken, and a second pass changes nothing.
    assert Notification.objects.filter(tenant=tenant, kind="sender.broken").count() == 1
    assert workflow_evaluate(tenant=tenant)["broken"] == 0
    assert Ticket.objects.filter(tenant=tenant).count() == 1


def test_a_closed_ticket_is_reopened_when_the_device_breaks(demo):
    _, tenant = demo("fabrikam")
    _known_from_reports(tenant, "tiskarna2@fabrikam.example")
    _ingest("fabrikam")
    workflow_evaluate(tenant=tenant)
    ticket = Ticket.objects.get(tenant=tenant)
    ticket_update(tenant=tenant, ticket=ticket, expected_version=ticket.version,
                  changes={"status": "done"}, actor=None, source="test")
    # A new breakage (another first-failure day) re-opens it.
    Notification.objects.filter(kind="sender.broken").delete()
    ticket.comments.all().delete()
    workflow_evaluate(tenant=tenant)
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.comments.count() == 1


def test_the_deliberate_conflict_is_notified_once(demo, django_user_model):
    universe, tenant = demo("northwind")
    manager = django_user_model.objects.create_user("m", email="m@northwind.example")
    _manager(tenant, manager)
    _ingest("northwind")
    workflow_evaluate(tenant=tenant, today=timezone.now().date())
    notices = [m for m in mail.outbox if m.subject.startswith("[Northwind Traders] Conflict")]
    assert [m.subject for m in notices] == [
        f"[Northwind Traders] Conflict: verify {a}" for a in universe.deliberate_conflicts]
    assert "Entra sign-in log" in notices[0].body
    assert workflow_evaluate(tenant=tenant)["conflicts"] == 0


@pytest.mark.django_db
def test_guidance_says_to_watch_failed_authenticated_smtp_sign_ins():
    from readiness.senders import guidance

    text = guidance.AFTER_CUTOVER
    assert "550 5.7.30" in text and "failed Authenticated SMTP sign-ins" in text

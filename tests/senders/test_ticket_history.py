"""A ticket's history reads who changed what from what to what, in words."""

from __future__ import annotations

import pytest

from readiness.senders.services.tickets import ticket_create, ticket_update
from tests.factories import SenderFactory

pytestmark = pytest.mark.django_db


def test_the_history_names_people_and_choice_labels(alice, hana, client_for, tenant_a):
    hana.first_name, hana.last_name = "Hana", "Dvořáková"
    hana.save()
    sender = SenderFactory(tenant=tenant_a, address="scanner@a.example")
    ticket = ticket_create(tenant=tenant_a, senders=[sender], actor=alice)
    ticket = ticket_update(tenant=tenant_a, ticket=ticket, expected_version=ticket.version,
                           actor=alice, changes={"assignee": hana})
    ticket_update(tenant=tenant_a, ticket=ticket, expected_version=ticket.version,
                  actor=alice, changes={"status": "done"})
    body = client_for(alice).get(ticket.get_absolute_url()).content.decode()
    assert "Assignee: — → Hana Dvořáková" in body
    assert "Status: Open → Done" in body
    assert "status: open" not in body and f"→ {hana.pk}<" not in body
    assert "Version " not in body
    assert "<time datetime=" in body  # relative times with the absolute one on hover

"""Helpdesk queues open on open work; multi-choice filters are checkbox lists (no
Ctrl-click); creating a ticket names it and opens it."""

from __future__ import annotations

import pytest

from readiness.senders.services.tickets import ticket_create, ticket_update
from tests.factories import SenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tickets(tenant_a, hana):
    open_one = ticket_create(tenant=tenant_a, actor=hana, assignee=hana, title="Still open",
                             senders=[SenderFactory(tenant=tenant_a)])
    done = ticket_create(tenant=tenant_a, actor=hana, assignee=hana, title="Finished",
                         senders=[SenderFactory(tenant=tenant_a)])
    ticket_update(tenant=tenant_a, ticket=done, expected_version=done.version, actor=hana,
                  changes={"status": "done"})
    return open_one, done


@pytest.mark.parametrize("url", ["/tickets/mine/", "/tenants/tenant-a/tickets/"])
def test_the_queues_open_on_open_work(client_for, hana, two_tickets, url):
    client = client_for(hana)
    body = client.get(url).content.decode()
    assert "Still open" in body and "Finished" not in body
    assert 'type="checkbox" class="form-check-input" name="status" value="open" checked' in body
    # The submitted form (it always sends q) means what it says: no status = every ticket.
    every = client.get(url, {"q": ""}).content.decode()
    assert "Still open" in every and "Finished" in every
    done = client.get(url, {"q": "", "status": "done"}).content.decode()
    assert "Finished" in done and "Still open" not in done
    export = client.get(url, {"_export": "csv"}).content.decode("utf-8-sig")
    assert "Still open" in export and "Finished" not in export


def test_the_api_still_lists_every_ticket_by_default(client_for, hana, two_tickets):
    body = client_for(hana).get("/api/v1/tickets/", HTTP_ACCEPT="application/json").json()
    titles = {t["title"] for t in body.get("results", body)}
    assert {"Still open", "Finished"} <= titles


def test_creating_a_ticket_names_it_and_opens_it(client_for, alice, tenant_a):
    sender = SenderFactory(tenant=tenant_a, address="erp@a.example", team="Finance")
    response = client_for(alice).post(f"/tenants/{tenant_a.slug}/senders/bulk/", {
        "action": "create_ticket", "sender_ids": [sender.pk]}, follow=True)
    body = response.content.decode()
    ticket = sender.tickets.get()
    assert response.redirect_chain[-1][0] == ticket.get_absolute_url()
    assert f"Ticket #{ticket.pk} created" in body and "sender(s) updated" not in body


def test_selects_look_like_selects(client_for, alice, tenant_a):
    sender = SenderFactory(tenant=tenant_a)
    body = client_for(alice).get(
        f"/tenants/{tenant_a.slug}/senders/{sender.pk}/ownership/").content.decode()
    assert 'name="owner_user" class="form-select' in body
    assert 'name="device_type" class="form-select' in body

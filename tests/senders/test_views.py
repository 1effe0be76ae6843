"""Views for every persona: viewer reads, helpdesk works, manager manages, outsiders 404."""

import datetime as dt

import pytest
from django.urls import reverse

from readiness.senders.models import Sender, SenderStatusChange, Ticket
from tests.factories import SenderFactory, TicketFactory

PERSONAS = ["msp_admin", "alice", "hana", "victor", "bob", "charlie", None]


@pytest.fixture
def people(request, msp_admin, alice, hana, victor, bob, charlie):
    return {"msp_admin": msp_admin, "alice": alice, "hana": hana, "victor": victor,
            "bob": bob, "charlie": charlie, None: None}


@pytest.fixture
def sender(tenant_a):
    return SenderFactory(tenant=tenant_a, address="printer@a.example", migration_path="hve")


@pytest.fixture
def ticket(tenant_a, sender):
    ticket = TicketFactory(tenant=tenant_a, title="Move the printer")
    ticket.senders.add(sender)
    return ticket


def _expect(persona, ok_roles):
    if persona is None:
        return 302
    if persona in ("bob", "charlie"):
        return 404
    return 200 if persona in ok_roles else 403


ALL_A = ("msp_admin", "alice", "hana", "victor")
WORKERS = ("msp_admin", "alice", "hana")
MANAGERS = ("msp_admin", "alice")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "ok_roles", "needs"), [
    ("senders:sender", ALL_A, "sender"),
    ("senders:ownership", WORKERS, "sender"),
    ("senders:tickets", ALL_A, None),
    ("senders:ticket", ALL_A, "ticket"),
    ("senders:what_if", ALL_A, None),
    ("notifications:webhooks", MANAGERS, None),
    ("notifications:deliveries", MANAGERS, None),
])
def test_page_access_follows_the_role(client_for, people, tenant_a, sender, ticket, persona,
                                      name, ok_roles, needs):
    args = [tenant_a.slug] + ([{"sender": sender, "ticket": ticket}[needs].pk] if needs else [])
    response = client_for(people[persona]).get(reverse(name, args=args))
    assert response.status_code == _expect(persona, ok_roles)
    if persona is None:
        assert "/accounts/login/" in response["Location"]


def test_the_workflow_panel_escapes_the_address_and_quotes_it_for_powershell(
        client_for, alice, tenant_a):
    sender = SenderFactory(tenant=tenant_a, address="o'brien<b>@a.example",
                           migration_path="connector_relay")
    page = client_for(alice).get(reverse("senders:sender", args=[tenant_a.slug, sender.pk]))
    html = page.content.decode()
    assert "Set-CASMailbox -Identity &#x27;o&#x27;&#x27;brien&lt;b&gt;@a.example&#x27; " \
           "-SmtpClientAuthenticationDisabled $true" in html
    assert "<b>@a.example" not in html
    assert 'data-copy-target="script-' in html
    assert "js/copy.js" in html and "<script>" not in html


def test_the_panel_flags_a_device_that_cannot_do_oauth(client_for, victor, tenant_a):
    from readiness.senders.models import DeviceModel

    device = DeviceModel.objects.get(model="MFD without OAuth firmware")
    sender = SenderFactory(tenant=tenant_a, device_model=device)
    page = client_for(victor).get(reverse("senders:sender", args=[tenant_a.slug, sender.pk]))
    assert b"needs a relay, High Volume Email or a connector" in page.content
    assert b"Change status" not in page.content  # a viewer gets no write controls


def test_helpdesk_changes_a_status_from_the_panel(client_for, hana, tenant_a, sender):
    url = reverse("senders:transition", args=[tenant_a.slug, sender.pk])
    client_for(hana).post(url, {"to_status": "triaged", "comment": "looked at it"})
    assert Sender.objects.get(pk=sender.pk).status == "triaged"
    assert SenderStatusChange.objects.get(sender=sender).comment == "looked at it"


def test_helpdesk_cannot_approve_an_exception(client_for, hana, tenant_a, sender):
    url = reverse("senders:transition", args=[tenant_a.slug, sender.pk])
    response = client_for(hana).post(url, {"to_status": "exception", "exception_reason": "x",
                                           "exception_expires_on": "2099-01-01"})
    assert response.status_code == 403
    assert Sender.objects.get(pk=sender.pk).status == "new"


def test_a_manager_approves_an_exception_with_reason_and_expiry(client_for, alice, tenant_a,
                                                                 sender):
    url = reverse("senders:transition", args=[tenant_a.slug, sender.pk])
    client_for(alice).post(url, {"to_status": "exception", "exception_reason": "Old MFD",
                                 "exception_expires_on": "2099-01-01"})
    sender.refresh_from_db()
    assert sender.status == "exception"
    assert sender.exceptions.get().approver == alice


@pytest.mark.parametrize(("persona", "code"), [("victor", 403), ("bob", 404), (None, 302)])
def test_others_cannot_change_a_status(client_for, people, tenant_a, sender, persona, code):
    url = reverse("senders:transition", args=[tenant_a.slug, sender.pk])
    assert client_for(people[persona]).post(url, {"to_status": "triaged"}).status_code == code
    assert Sender.objects.get(pk=sender.pk).status == "new"


def test_helpdesk_edits_ownership_with_the_form(client_for, hana, tenant_a, sender):
    url = reverse("senders:ownership", args=[tenant_a.slug, sender.pk])
    response = client_for(hana).post(url, {
        "owner_user": hana.pk, "team": "Facilities", "device_type": "printer",
        "migration_path": "connector_relay", "owner_name": "", "owner_email": "",
        "vendor": "", "model": "", "notes": "", "device_model": ""})
    assert response.status_code == 302
    sender.refresh_from_db()
    assert (sender.owner_user, sender.team, sender.migration_path) == (
        hana, "Facilities", "connector_relay")


def test_an_owner_from_another_tenant_is_refused(client_for, hana, bob, tenant_a, sender):
    url = reverse("senders:ownership", args=[tenant_a.slug, sender.pk])
    response = client_for(hana).post(url, {"owner_user": bob.pk, "device_type": "printer",
                                           "migration_path": ""})
    assert response.status_code == 200
    assert Sender.objects.get(pk=sender.pk).owner_user is None


def test_bulk_sets_the_team_of_every_selected_sender(client_for, hana, tenant_a):
    senders = SenderFactory.create_batch(3, tenant=tenant_a)
    client_for(hana).post(reverse("senders:bulk", args=[tenant_a.slug]), {
        "action": "set_team", "team": "Finance", "sender_ids": [s.pk for s in senders[:2]]})
    teams = dict(Sender.objects.values_list("pk", "team"))
    assert [teams[s.pk] for s in senders] == ["Finance", "Finance", ""]


def test_bulk_with_a_foreign_sender_changes_nothing(client_for, hana, tenant_a, tenant_b):
    mine, foreign = SenderFactory(tenant=tenant_a), SenderFactory(tenant=tenant_b)
    response = client_for(hana).post(reverse("senders:bulk", args=[tenant_a.slug]), {
        "action": "set_team", "team": "Finance", "sender_ids": [mine.pk, foreign.pk]},
        follow=True)
    assert b"of this tenant; nothing was changed" in response.content
    assert set(Sender.objects.values_list("team", flat=True)) == {""}


def test_bulk_transition_is_all_or_nothing(client_for, hana, tenant_a):
    fine = SenderFactory(tenant=tenant_a, status="new")
    stuck = SenderFactory(tenant=tenant_a, status="verified")
    client_for(hana).post(reverse("senders:bulk", args=[tenant_a.slug]), {
        "action": "transition", "to_status": "triaged", "sender_ids": [fine.pk, stuck.pk]})
    assert Sender.objects.get(pk=fine.pk).status == "new"
    assert not SenderStatusChange.objects.exists()


def test_bulk_creates_one_ticket_for_the_group_and_assigns_it(client_for, alice, hana,
                                                              tenant_a):
    senders = SenderFactory.create_batch(2, tenant=tenant_a)
    response = client_for(alice).post(reverse("senders:bulk", args=[tenant_a.slug]), {
        "action": "create_ticket", "assignee": hana.pk, "sender_ids": [s.pk for s in senders]})
    ticket = Ticket.objects.get()
    assert response["Location"] == ticket.get_absolute_url()
    assert (ticket.assignee, ticket.senders.count()) == (hana, 2)
    assert set(Sender.objects.values_list("status", flat=True)) == {"assigned"}


@pytest.mark.parametrize(("persona", "code"), [("victor", 403), ("bob", 404), (None, 302)])
def test_others_cannot_use_bulk(client_for, people, tenant_a, persona, code):
    sender = SenderFactory(tenant=tenant_a)
    response = client_for(people[persona]).post(
        reverse("senders:bulk", args=[tenant_a.slug]),
        {"action": "set_team", "team": "X", "sender_ids": [sender.pk]})
    assert response.status_code == code
    assert Sender.objects.get(pk=sender.pk).team == ""


def _ticket_form(ticket, **changes):
    data = {"title": ticket.title, "assignee": "", "status": ticket.status,
            "priority": ticket.priority, "due_date": "", "external_id": "",
            "external_url": "", "version": ticket.version}
    return {**data, **changes}


def test_the_second_editor_of_a_ticket_sees_a_conflict_with_current_values(
        client_for, alice, hana, tenant_a, ticket):
    url = reverse("senders:ticket", args=[tenant_a.slug, ticket.pk])
    stale = _ticket_form(ticket)
    client_for(alice).post(url, {**stale, "title": "Alice's title"})
    response = client_for(hana).post(url, {**stale, "title": "Hana's title"})
    assert response.status_code == 409
    assert b"changed by alice meanwhile" in response.content
    assert b'value="Alice&#x27;s title"' in response.content
    assert Ticket.objects.get(pk=ticket.pk).title == "Alice's title"


def test_the_ticket_form_shows_the_due_date_so_a_save_keeps_it(client_for, hana, tenant_a,
                                                              ticket):
    Ticket.objects.filter(pk=ticket.pk).update(due_date=dt.date(2026, 12, 17))
    url = reverse("senders:ticket", args=[tenant_a.slug, ticket.pk])
    assert b'value="2026-12-17"' in client_for(hana).get(url).content


def test_a_viewer_cannot_edit_a_ticket(client_for, victor, tenant_a, ticket):
    url = reverse("senders:ticket", args=[tenant_a.slug, ticket.pk])
    assert client_for(victor).post(url, _ticket_form(ticket, title="x")).status_code == 403


def test_helpdesk_comments_on_a_ticket(client_for, hana, tenant_a, ticket):
    url = reverse("senders:ticket_comment", args=[tenant_a.slug, ticket.pk])
    client_for(hana).post(url, {"body": "Vendor says firmware 4.2"})
    page = client_for(hana).get(ticket.get_absolute_url())
    assert b"Vendor says firmware 4.2" in page.content


def test_a_ticket_of_another_tenant_is_a_404(client_for, bob, tenant_a, tenant_b, ticket):
    url = reverse("senders:ticket", args=[tenant_b.slug, ticket.pk])
    assert client_for(bob).get(url).status_code == 404


def _tickets(tenant, assignee, count):
    today = dt.date.today()
    for i in range(count):
        TicketFactory(tenant=tenant, assignee=assignee, due_date=today + dt.timedelta(days=i - 2))


def test_my_queue_shows_only_my_tickets_and_highlights_overdue(client_for, hana, alice,
                                                               tenant_a, tenant_b):
    _tickets(tenant_a, hana, 3)
    TicketFactory(tenant=tenant_a, assignee=alice, title="Alice's")
    TicketFactory(tenant=tenant_b, title="Other tenant")
    page = client_for(hana).get(reverse("senders:my_tickets") + "?sort=-priority")
    html = page.content.decode()
    assert html.count("table-danger") == 2
    assert "Alice&#x27;s" not in html and "Other tenant" not in html


@pytest.mark.parametrize("sort", ["due_date", "-priority", "assignee", "tenant", "is_overdue",
                                  "status", "title", "id", "updated_by", "updated_at",
                                  "external_id"])
def test_my_queue_sorts_on_every_column(client_for, hana, tenant_a, sort):
    _tickets(tenant_a, hana, 2)
    assert client_for(hana).get(reverse("senders:my_tickets"), {"sort": sort}).status_code == 200


def test_queue_query_counts_do_not_grow_with_tickets(client_for, hana, tenant_a,
                                                     django_assert_max_num_queries):
    client = client_for(hana)
    _tickets(tenant_a, hana, 3)
    with django_assert_max_num_queries(12):
        client.get(reverse("senders:my_tickets"))
    with django_assert_max_num_queries(14):
        client.get(reverse("senders:tickets", args=[tenant_a.slug]))
    _tickets(tenant_a, hana, 30)
    with django_assert_max_num_queries(12):
        client.get(reverse("senders:my_tickets"))
    with django_assert_max_num_queries(14):
        client.get(reverse("senders:tickets", args=[tenant_a.slug]))


def test_the_team_queue_exports_exactly_the_filtered_rows(client_for, victor, tenant_a):
    TicketFactory(tenant=tenant_a, title="=HYPERLINK(evil)", status="open")
    TicketFactory(tenant=tenant_a, title="Closed one", status="done")
    response = client_for(victor).get(reverse("senders:tickets", args=[tenant_a.slug]),
                                      {"status": "open", "_export": "csv"})
    body = response.content.decode()
    assert "'=HYPERLINK(evil)" in body and "Closed one" not in body


def test_a_ticket_held_by_an_msp_admin_can_still_be_edited(client_for, hana, msp_admin,
                                                           tenant_a, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(assignee=msp_admin)
    ticket.refresh_from_db()
    url = reverse("senders:ticket", args=[tenant_a.slug, ticket.pk])
    response = client_for(hana).post(url, _ticket_form(ticket, title="Renamed",
                                                       assignee=msp_admin.pk))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.title, ticket.assignee) == ("Renamed", msp_admin)


def test_the_old_workflow_page_redirects_to_the_one_sender_page(client_for, victor, bob,
                                                                tenant_a, sender):
    old = reverse("senders:workflow", args=[tenant_a.slug, sender.pk])
    response = client_for(victor).get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("senders:sender", args=[tenant_a.slug, sender.pk])
    assert client_for(bob).get(old).status_code == 404  # another tenant's sender

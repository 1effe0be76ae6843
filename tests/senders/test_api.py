"""Workflow API: token auth, scoping (other tenant 404), viewers 403 on writes."""

import pytest
from rest_framework.test import APIClient

from readiness.senders.models import Sender, Ticket
from readiness.tenancy.tokens import api_token_create
from tests.factories import SenderFactory, TicketFactory


@pytest.fixture
def api():
    def client(user):
        c = APIClient()
        if user is not None:
            _row, token = api_token_create(user=user)
            c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return c
    return client


@pytest.fixture
def sender(tenant_a):
    return SenderFactory(tenant=tenant_a, address="scan@a.example")


def test_helpdesk_creates_assigns_and_comments_a_ticket(api, hana, tenant_a, sender):
    client = api(hana)
    created = client.post(f"/api/v1/tenants/{tenant_a.slug}/tickets/",
                          {"sender_ids": [sender.pk], "title": "Scanner"}, format="json")
    assert created.status_code == 201, created.content
    pk, version = created.json()["id"], created.json()["version"]
    assigned = client.post(f"/api/v1/tenants/{tenant_a.slug}/tickets/{pk}/assign/",
                           {"assignee": "hana", "version": version}, format="json")
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "hana"
    stale = client.post(f"/api/v1/tenants/{tenant_a.slug}/tickets/{pk}/assign/",
                        {"assignee": None, "version": version}, format="json")
    assert stale.status_code == 409 and "changed by hana meanwhile" in stale.json()["detail"]
    comment = client.post(f"/api/v1/tenants/{tenant_a.slug}/tickets/{pk}/comments/",
                          {"body": "On it"}, format="json")
    assert comment.status_code == 201
    mine = client.get("/api/v1/tickets/").json()
    assert [t["id"] for t in mine["results"]] == [pk]


def test_helpdesk_transitions_a_sender_and_reads_the_workflow_state(api, hana, tenant_a,
                                                                    sender):
    client = api(hana)
    moved = client.post(f"/api/v1/tenants/{tenant_a.slug}/senders/{sender.pk}/transition/",
                        {"to_status": "triaged", "comment": "api"}, format="json")
    assert moved.json() == {"id": sender.pk, "from": "new", "to": "triaged"}
    refused = client.post(f"/api/v1/tenants/{tenant_a.slug}/senders/{sender.pk}/transition/",
                          {"to_status": "verified"}, format="json")
    assert refused.status_code == 409 and "not an allowed transition" in refused.json()["detail"]
    state = client.get(f"/api/v1/tenants/{tenant_a.slug}/senders/").json()
    assert state["results"][0]["status"] == "triaged"
    assert state["results"][0]["status_changed_at"] and "needs_relay" in state["results"][0]


def test_the_old_workflow_list_redirects_to_the_one_sender_list(api, victor, bob, tenant_a,
                                                                sender):
    old = f"/api/v1/tenants/{tenant_a.slug}/senders/workflow/?status=new"
    moved = api(victor).get(old)
    assert moved.status_code == 301
    assert moved["Location"] == f"/api/v1/tenants/{tenant_a.slug}/senders/?status=new"
    assert api(bob).get(old).status_code == 404


@pytest.mark.parametrize(("persona", "read", "write"), [
    ("victor", 200, 403), ("bob", 404, 404), ("charlie", 404, 404), ("alice", 200, 201),
    ("msp_admin", 200, 201), (None, 401, 401),
])
def test_api_access_follows_the_role(api, request, tenant_a, sender, persona, read, write):
    user = request.getfixturevalue(persona) if persona else None
    client = api(user)
    url = f"/api/v1/tenants/{tenant_a.slug}/tickets/"
    assert client.get(url).status_code == read
    assert client.post(url, {"sender_ids": [sender.pk]}, format="json").status_code == write
    transition = client.post(
        f"/api/v1/tenants/{tenant_a.slug}/senders/{sender.pk}/transition/",
        {"to_status": "triaged"}, format="json")
    assert transition.status_code == (200 if write == 201 else write)


def test_a_foreign_sender_id_is_refused_when_creating_a_ticket(api, hana, tenant_a, tenant_b):
    foreign = SenderFactory(tenant=tenant_b)
    response = api(hana).post(f"/api/v1/tenants/{tenant_a.slug}/tickets/",
                              {"sender_ids": [foreign.pk]}, format="json")
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_a_ticket_of_another_tenant_is_a_404_even_through_my_tenant(api, alice, tenant_a,
                                                                    tenant_b):
    other = TicketFactory(tenant=tenant_b)
    response = api(alice).post(f"/api/v1/tenants/{tenant_a.slug}/tickets/{other.pk}/comments/",
                               {"body": "x"}, format="json")
    assert response.status_code == 404


def test_the_command_line_uses_the_same_service(hana, tenant_a, sender):
    from django.core.management import CommandError, call_command

    call_command("sender_transition", tenant=tenant_a.slug, address="SCAN@a.example",
                 to_status="triaged", comment="cli", user="hana")
    assert Sender.objects.get(pk=sender.pk).status == "triaged"
    assert sender.status_changes.get().source == "cli"
    with pytest.raises(CommandError, match="not an allowed transition"):
        call_command("sender_transition", tenant=tenant_a.slug, address=sender.address,
                     to_status="new", user="hana")


def test_the_command_line_refuses_a_viewer(victor, tenant_a, sender):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="may not work"):
        call_command("sender_transition", tenant=tenant_a.slug, address=sender.address,
                     to_status="triaged", user="victor")


def test_the_schema_documents_every_write_with_its_request_body(api, hana):
    schema = api(hana).get("/api/schema/", {"format": "json"}).json()
    bodies = {
        path: op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for path, ops in schema["paths"].items() for method, op in ops.items()
        if method == "post"}
    assert bodies == {
        "/api/v1/tenants/{slug}/tickets/": "TicketCreate",
        "/api/v1/tenants/{slug}/tickets/{id}/assign/": "TicketAssign",
        "/api/v1/tenants/{slug}/tickets/{id}/comments/": "Comment",
        "/api/v1/tenants/{slug}/senders/{id}/transition/": "Transition",
    }
    enums = schema["components"]["schemas"]
    assert "SenderStatusEnum" in enums and "TicketStatusEnum" in enums


@pytest.mark.parametrize("username", ["bob", "charlie", "nobody", "victor"])
def test_it_does_not_assign_or_reveal_users_outside_the_tenants_assignees(
        api, hana, bob, charlie, victor, tenant_a, sender, username):
    ticket = TicketFactory(tenant=tenant_a)
    answer = api(hana).post(f"/api/v1/tenants/{tenant_a.slug}/tickets/{ticket.pk}/assign/",
                            {"assignee": username, "version": ticket.version}, format="json")
    # The same answer for another tenant's manager, an outsider, an unknown name and a
    # viewer of this tenant: the API does not tell which usernames exist.
    assert answer.status_code == 400
    assert answer.json() == {"assignee": [
        f"No helpdesk or manager of this tenant is named “{username}”."]}
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_an_msp_admin_can_be_assigned_through_the_api(api, hana, msp_admin, tenant_a, sender):
    ticket = TicketFactory(tenant=tenant_a)
    answer = api(hana).post(f"/api/v1/tenants/{tenant_a.slug}/tickets/{ticket.pk}/assign/",
                            {"assignee": "msp", "version": ticket.version}, format="json")
    assert answer.status_code == 200 and answer.json()["assignee"] == "msp"

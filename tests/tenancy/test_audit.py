from __future__ import annotations

from readiness.tenancy.audit import audit_record
from readiness.tenancy.models import AuditEvent


def _events(tenant_a, tenant_b, alice):
    audit_record(actor=alice, tenant=tenant_a, action="sender.changed", after={"x": "a-only"})
    audit_record(actor=None, tenant=tenant_b, action="sender.changed", after={"x": "b-only"})
    audit_record(actor=None, tenant=None, action="encryption_key.rotated", source="cli")


def test_the_tenant_audit_page_shows_only_that_tenants_events(alice, bob, client_for, tenant_a,
                                                             tenant_b,
                                                             django_assert_max_num_queries):
    _events(tenant_a, tenant_b, alice)
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        body = client.get(f"/tenants/{tenant_a.slug}/audit/").content.decode()
    assert "a-only" in body and "b-only" not in body and "Encryption key" not in body
    export = client.get(f"/tenants/{tenant_a.slug}/audit/?_export=csv").content.decode()
    assert "a-only" in export and "b-only" not in export


def test_the_audit_filters_narrow_the_page_and_the_export(alice, client_for, tenant_a, tenant_b):
    _events(tenant_a, tenant_b, alice)
    audit_record(actor=alice, tenant=tenant_a, action="membership.granted", after={"x": "m"})
    export = client_for(alice).get(
        f"/tenants/{tenant_a.slug}/audit/?action=membership&_export=csv").content.decode()
    assert "Member added" in export and "Sender changed" not in export


def test_the_global_audit_page_is_for_msp_admins(msp_admin, alice, client_for, tenant_a,
                                                 tenant_b):
    _events(tenant_a, tenant_b, alice)
    body = client_for(msp_admin).get("/audit/").content.decode()
    assert "a-only" in body and "b-only" in body and "Encryption key rotated" in body
    assert client_for(alice).get("/audit/").status_code == 403


def test_the_audit_log_is_read_only_in_the_admin(msp_admin, client_for, tenant_a, alice,
                                                 tenant_b):
    _events(tenant_a, tenant_b, alice)
    event = AuditEvent.objects.first()
    client = client_for(msp_admin)
    assert client.get("/admin/tenancy/auditevent/").status_code == 200
    assert client.get("/admin/tenancy/auditevent/add/").status_code == 403
    client.post(f"/admin/tenancy/auditevent/{event.pk}/change/", {"action": "forged"})
    client.post(f"/admin/tenancy/auditevent/{event.pk}/delete/", {"post": "yes"})
    event.refresh_from_db()
    assert event.action != "forged"
    assert AuditEvent.objects.count() == 3


def test_the_audit_log_says_who_changed_what_from_what_to_what(alice, client_for, tenant_a,
                                                               django_assert_max_num_queries):
    from readiness.senders.services.tickets import ticket_create, ticket_update
    from tests.factories import SenderFactory

    alice.first_name, alice.last_name = "Alice", "Nováková"
    alice.save()
    senders = [SenderFactory(tenant=tenant_a, address=f"scan{i}@a.example") for i in range(3)]
    ticket = ticket_create(tenant=tenant_a, senders=senders, actor=alice)
    ticket_update(tenant=tenant_a, ticket=ticket, expected_version=ticket.version, actor=alice,
                  changes={"status": "done", "assignee": alice})
    client = client_for(alice)
    with django_assert_max_num_queries(14):
        body = client.get(f"/tenants/{tenant_a.slug}/audit/").content.decode()
    assert "Ticket changed" in body and "Ticket created" in body
    assert "Status: Open → Done" in body
    assert "Assignee: — → Alice Nováková" in body
    assert "scan0@a.example, scan1@a.example, scan2@a.example" in body
    for raw in ("Actor label", "Object repr", "ticket.update", '"status"', "Ip<"):
        assert raw not in body
    assert "IP address" in body and "Who" in body
    # Every filter box has a visible label.
    for label in ("Search", "Area", "Source", "From", "To"):
        assert f">{label}</label>" in body
    export = client.get(f"/tenants/{tenant_a.slug}/audit/?_export=csv").content.decode()
    assert "Status: Open → Done" in export and "Actor label" not in export

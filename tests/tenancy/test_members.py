from __future__ import annotations

import pytest

from readiness.tenancy.models import AuditEvent, Membership
from tests.factories import UserFactory


@pytest.fixture
def newcomer(db):
    return UserFactory(username="nina", email="nina@example.test")


def test_a_manager_lists_exports_and_searches_members(alice, hana, victor, client_for,
                                                      tenant_a, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        page = client.get(f"/tenants/{tenant_a.slug}/members/?q=han")
    assert page.status_code == 200
    assert "hana" in page.content.decode() and "victor" not in page.content.decode()
    export = client.get(f"/tenants/{tenant_a.slug}/members/?_export=csv").content.decode()
    assert "alice" in export and "victor" in export


def test_an_msp_admin_adds_a_directory_user_by_email_and_it_is_audited(msp_admin, newcomer,
                                                                       client_for, tenant_a):
    response = client_for(msp_admin).post(f"/tenants/{tenant_a.slug}/members/add/",
                                          {"user": "NINA@example.test", "role": "helpdesk"})
    assert response.status_code == 302
    assert Membership.objects.get(tenant=tenant_a, user=newcomer).role == "helpdesk"
    event = AuditEvent.objects.get(action="membership.granted")
    assert (event.actor, event.tenant, event.source) == (msp_admin, tenant_a, "web")
    assert event.after == {"user": "nina", "role": "helpdesk"}


def test_the_directory_search_refuses_an_unknown_user_without_changing_anything(
        msp_admin, client_for, tenant_a):
    response = client_for(msp_admin).post(f"/tenants/{tenant_a.slug}/members/add/",
                                          {"user": "ghost", "role": "viewer"})
    assert response.status_code == 200
    assert "No single active user" in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_a_manager_changes_a_role_and_the_audit_keeps_before_and_after(alice, victor,
                                                                       client_for, tenant_a):
    membership = Membership.objects.get(user=victor)
    client_for(alice).post(f"/tenants/{tenant_a.slug}/members/{membership.pk}/",
                           {"role": "manager"})
    membership.refresh_from_db()
    assert membership.role == "manager"
    event = AuditEvent.objects.get(action="membership.changed")
    assert event.before == {"role": "viewer"} and event.after["role"] == "manager"


def test_removal_needs_the_confirmation_field(alice, victor, client_for, tenant_a):
    membership = Membership.objects.get(user=victor)
    url = f"/tenants/{tenant_a.slug}/members/{membership.pk}/remove/"
    assert client_for(alice).post(url).status_code == 200
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert client_for(alice).post(url, {"confirm": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.get(action="membership.revoked").before["role"] == "viewer"


def test_a_manager_cannot_change_their_own_membership(alice, client_for, tenant_a):
    membership = Membership.objects.get(user=alice)
    response = client_for(alice).post(f"/tenants/{tenant_a.slug}/members/{membership.pk}/",
                                      {"role": "viewer"}, follow=True)
    assert "cannot change your own membership" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "manager"


def test_another_tenants_membership_is_a_404_even_under_my_own_slug(bob, victor, client_for,
                                                                   tenant_b):
    membership = Membership.objects.get(user=victor)
    client = client_for(bob)
    assert client.get(f"/tenants/{tenant_b.slug}/members/{membership.pk}/").status_code == 404
    response = client.post(f"/tenants/{tenant_b.slug}/members/{membership.pk}/remove/",
                           {"confirm": "yes"})
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_helpdesk_and_viewers_cannot_manage_members(hana, victor, client_for, tenant_a):
    for user in (hana, victor):
        client = client_for(user)
        assert client.get(f"/tenants/{tenant_a.slug}/members/").status_code == 403
        response = client.post(f"/tenants/{tenant_a.slug}/members/add/",
                               {"user": "charlie", "role": "manager"})
        assert response.status_code == 403

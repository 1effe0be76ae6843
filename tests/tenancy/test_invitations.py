"""Tenant managers invite by e-mail; nothing reveals other tenants' users (issue 10,
finding 3). Only MSP admins search the whole directory."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from readiness.tenancy.models import AuditEvent, Invitation, Membership
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def outsider(tenant_b):
    """A user of another customer, with a recognisable address."""
    user = UserFactory(username="bea-outsider", email="bea@b.example")
    MembershipFactory(tenant=tenant_b, user=user, role="manager")
    return user


def _add(client, tenant, data, capture):
    with capture(execute=True):
        return client.post(f"/tenants/{tenant.slug}/members/add/", data, follow=True)


def _message(response) -> str:
    return " | ".join(str(m) for m in response.context["messages"])


def test_a_manager_cannot_find_or_add_another_tenants_user(alice, outsider, msp_admin,
                                                           client_for, tenant_a):
    client = client_for(alice)
    for typed in ("bea-outsider", "bea@b.example", "msp", msp_admin.email):
        client.post(f"/tenants/{tenant_a.slug}/members/add/", {"user": typed, "role": "manager"})
    assert not Membership.objects.filter(tenant=tenant_a, user__in=[outsider, msp_admin]).exists()
    page = client.get(f"/tenants/{tenant_a.slug}/members/add/").content.decode()
    assert "bea" not in page and "msp" not in page


def test_an_invitation_looks_the_same_whether_or_not_the_address_has_an_account(
        alice, outsider, client_for, tenant_a, mailoutbox, django_capture_on_commit_callbacks):
    client = client_for(alice)
    known = _add(client, tenant_a, {"email": "BEA@b.example", "role": "viewer"},
                 django_capture_on_commit_callbacks)
    unknown = _add(client, tenant_a, {"email": "nobody@b.example", "role": "viewer"},
                   django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 200
    assert _message(known).replace("bea", "X") == _message(unknown).replace("nobody", "X")
    # Nothing about the existing account: no username, no membership yet.
    assert "bea-outsider" not in known.content.decode()
    assert not Membership.objects.filter(tenant=tenant_a, user=outsider).exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["bea@b.example", "nobody@b.example"]
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 2


def _link(mail) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.body).group(1)


def test_an_existing_user_signs_in_and_accepts(alice, outsider, client_for, tenant_a,
                                               mailoutbox, django_capture_on_commit_callbacks):
    _add(client_for(alice), tenant_a, {"email": "bea@b.example", "role": "helpdesk"},
         django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0])
    bea = client_for(outsider)
    assert "Accept the invitation" in bea.get(link).content.decode()
    assert bea.post(link).status_code == 302
    assert Membership.objects.get(tenant=tenant_a, user=outsider).role == "helpdesk"
    # The link works once.
    assert bea.get(link).status_code == 404


def test_a_new_person_creates_an_account_from_the_link(alice, client_for, tenant_a, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    _add(client_for(alice), tenant_a, {"email": "new@c.example", "role": "viewer"},
         django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0])
    anonymous = Client()
    response = anonymous.post(link, {"username": "newbie", "password1": "a long pass phrase 7",
                                     "password2": "a long pass phrase 7"})
    assert response.status_code == 302
    membership = Membership.objects.get(tenant=tenant_a, user__username="newbie")
    assert (membership.role, membership.user.email) == ("viewer", "new@c.example")


def test_an_unknown_or_expired_link_is_a_404(alice, tenant_a, client_for, mailoutbox,
                                             django_capture_on_commit_callbacks):
    assert Client().get("/invitations/not-a-token/").status_code == 404
    _add(client_for(alice), tenant_a, {"email": "late@c.example", "role": "viewer"},
         django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at="2020-01-01T00:00:00Z")
    assert Client().get(_link(mailoutbox[0])).status_code == 404


def test_a_manager_picks_from_the_users_of_tenants_they_manage(alice, victor, tenant_a,
                                                               tenant_b, outsider, client_for):
    # alice also manages a second tenant, where "carl" works; bea belongs to tenant B only.
    from tests.factories import TenantFactory

    second = TenantFactory(slug="tenant-a2", name="Tenant A2")
    MembershipFactory(tenant=second, user=alice, role="manager")
    carl = UserFactory(username="carl")
    MembershipFactory(tenant=second, user=carl, role="viewer")
    client = client_for(alice)
    form = client.get(f"/tenants/{second.slug}/members/add/").context["form"]
    # Adding to A2: A's people qualify (alice manages A); nobody of tenant B.
    assert set(form.fields["known_user"].queryset) == {victor}
    response = client.post(f"/tenants/{tenant_a.slug}/members/add/",
                           {"known_user": carl.pk, "role": "viewer"})
    assert response.status_code == 302
    assert Membership.objects.filter(tenant=tenant_a, user=carl).exists()
    # Someone from a tenant alice does not manage is not a valid choice.
    refused = client.post(f"/tenants/{tenant_a.slug}/members/add/",
                          {"known_user": outsider.pk, "role": "viewer"})
    assert refused.status_code == 200
    assert not Membership.objects.filter(tenant=tenant_a, user=outsider).exists()


def test_only_msp_admins_search_the_directory(msp_admin, outsider, client_for, tenant_a):
    response = client_for(msp_admin).post(f"/tenants/{tenant_a.slug}/members/add/",
                                          {"user": "bea@b.example", "role": "viewer"})
    assert response.status_code == 302
    assert Membership.objects.filter(tenant=tenant_a, user=outsider).exists()

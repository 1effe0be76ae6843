"""The domains page: everyone in the tenant reads it, a manager adds and removes
hand-added domains (audited); another tenant's domain is out of reach (404-style: no
change); Graph's verified domains cannot be removed by hand."""

from __future__ import annotations

from django.urls import reverse

from readiness.tenancy.models import AuditEvent, TenantDomain


def _url(tenant):
    return reverse("tenancy:domains", args=[tenant.slug])


def test_a_manager_adds_a_domain_by_hand_and_it_is_audited(tenant_a, alice, client_for):
    client = client_for(alice)
    assert "No known domains" in client.get(_url(tenant_a)).content.decode()
    client.post(_url(tenant_a), {"name": " @Contoso.CZ. "})
    domain = TenantDomain.objects.get(tenant=tenant_a)
    assert (domain.name, domain.source) == ("contoso.cz", "manual")
    assert AuditEvent.objects.filter(action="domain.added", actor=alice,
                                     tenant=tenant_a).exists()
    page = client.get(_url(tenant_a)).content.decode()
    assert "contoso.cz" in page and "Added by hand" in page


def test_a_bad_name_is_refused_with_the_reason(tenant_a, alice, client_for):
    response = client_for(alice).post(_url(tenant_a), {"name": "<b>x</b>"}, follow=True)
    assert not TenantDomain.objects.exists()
    body = response.content.decode()
    assert "is not a domain name" in body and "<b>x</b>" not in body


def test_a_viewer_reads_but_cannot_add(tenant_a, victor, client_for):
    client = client_for(victor)
    assert client.get(_url(tenant_a)).status_code == 200
    assert client.post(_url(tenant_a), {"name": "x.example"}).status_code == 403
    assert not TenantDomain.objects.exists()


def test_only_hand_added_domains_of_this_tenant_can_be_removed(tenant_a, tenant_b, alice,
                                                               client_for):
    verified = TenantDomain.objects.create(tenant=tenant_a, name="a.example", source="graph")
    theirs = TenantDomain.objects.create(tenant=tenant_b, name="b.example", source="manual")
    mine = TenantDomain.objects.create(tenant=tenant_a, name="old.example", source="manual")
    client = client_for(alice)
    for target in (verified, theirs, mine):
        client.post(_url(tenant_a), {"remove": str(target.pk)})
    assert set(TenantDomain.objects.values_list("name", flat=True)) == {"a.example",
                                                                        "b.example"}

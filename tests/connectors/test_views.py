from __future__ import annotations

import pytest
from django.urls import reverse

from readiness.connectors.models import TenantConnection
from readiness.connectors.services import connection_save

GUID_T = "7f3e2d1c-0000-4000-8000-00000000c0de"
GUID_C = "6d0b6f4a-0000-4000-8000-000000000001"
SECRET = "Zq8~very-secret-value"


def _url(tenant):
    return reverse("connectors:connection", kwargs={"slug": tenant.slug})


def _form(**extra):
    return {"action": "save", "directory_id": GUID_T, "client_id": GUID_C, "cloud": "global",
            **extra}


@pytest.mark.parametrize(("persona", "status"), [
    ("msp_admin", 200), ("alice", 200), ("hana", 200), ("victor", 200), ("bob", 404),
    ("charlie", 404),
])
def test_it_shows_the_page_to_those_who_may_see_the_tenant(request, client_for, tenant_a,
                                                           persona, status):
    response = client_for(request.getfixturevalue(persona)).get(_url(tenant_a))
    assert response.status_code == status


def test_it_sends_anonymous_visitors_to_log_in(client_for, tenant_a):
    assert client_for(None).get(_url(tenant_a)).status_code == 302


@pytest.mark.parametrize(("persona", "status"), [
    ("alice", 302), ("msp_admin", 302), ("hana", 403), ("victor", 403), ("bob", 404),
])
def test_only_managers_may_save_credentials(request, client_for, tenant_a, persona, status):
    response = client_for(request.getfixturevalue(persona)).post(
        _url(tenant_a), _form(client_secret=SECRET))
    assert response.status_code == status
    assert TenantConnection.objects.filter(tenant=tenant_a).exists() == (status == 302)


def test_it_never_renders_a_secret_back(client_for, alice, tenant_a):
    client = client_for(alice)
    client.post(_url(tenant_a), _form(client_secret=SECRET))
    page = client.get(_url(tenant_a)).content.decode()
    assert SECRET not in page
    invalid = client.post(_url(tenant_a), _form(directory_id="bad", client_secret=SECRET,
                                                 certificate_key="-----BEGIN KEY-----x"))
    assert invalid.status_code == 400
    assert SECRET not in invalid.content.decode() and "BEGIN KEY" not in invalid.content.decode()


def test_an_empty_secret_keeps_the_stored_one(client_for, alice, tenant_a):
    client = client_for(alice)
    client.post(_url(tenant_a), _form(client_secret=SECRET))
    client.post(_url(tenant_a), _form(cloud="usgov"))
    connection = TenantConnection.objects.get(tenant=tenant_a)
    assert (connection.cloud, connection.credential_kind) == ("usgov", "secret")


def test_it_escapes_tenant_data(client_for, alice, tenant_a):
    connection = connection_save(tenant=tenant_a, directory_id=GUID_T, client_id=GUID_C,
                                 client_secret="x")
    TenantConnection.objects.filter(pk=connection.pk).update(
        last_error="<script>alert(1)</script>")
    page = client_for(alice).get(_url(tenant_a)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_test_connection_probes_every_permission(client_for, msp_admin, demo, m365):
    universe, tenant = demo("contoso-retail")
    m365.state.apps[universe.client_id].roles.discard("Policy.Read.All")
    client = client_for(msp_admin)
    response = client.post(_url(tenant), {"action": "test"})
    assert response.status_code == 302
    connection = TenantConnection.objects.get(tenant=tenant)
    checks = {c["key"]: c["status"] for c in connection.permissions["checks"]}
    assert checks == {"graph_token": "ok", "exchange_token": "ok",
                      "AuditLog.Read.All": "unknown", "entra_p1": "missing",
                      "Directory.Read.All": "ok", "Policy.Read.All": "missing",
                      "Exchange.ManageAsApp": "ok", "exchange_role": "ok"}
    assert (connection.health, connection.has_entra_p1) == ("degraded", False)
    page = client.get(_url(tenant)).content.decode()
    assert f"/{universe.tenant_id}/adminconsent?client_id={universe.client_id}" in page


def test_test_connection_reports_a_missing_exchange_role(client_for, msp_admin, demo):
    _, tenant = demo("adatum")
    client_for(msp_admin).post(_url(tenant), {"action": "test"})
    checks = {c["key"]: c for c in TenantConnection.objects.get(tenant=tenant)
              .permissions["checks"]}
    assert checks["exchange_role"]["status"] == "missing"
    assert "Global Reader" in checks["exchange_role"]["fix"]


def test_test_connection_with_a_wrong_secret_is_an_error(client_for, msp_admin, demo):
    _, tenant = demo("kovar-tisk", client_secret="wrong")
    client_for(msp_admin).post(_url(tenant), {"action": "test"})
    connection = TenantConnection.objects.get(tenant=tenant)
    assert connection.health == "error" and "AADSTS7000215" in connection.last_error


def test_saving_credentials_is_audited_without_the_value(client_for, alice, tenant_a):
    from readiness.tenancy.models import AuditEvent

    client = client_for(alice)
    client.post(_url(tenant_a), _form(client_secret=SECRET))
    client.post(_url(tenant_a), _form(cloud="usgov"))
    first, second = AuditEvent.objects.filter(action="connection.save").order_by("pk")
    assert first.actor == alice and first.tenant == tenant_a and first.source == "web"
    assert first.after["credential"] == "replaced" and first.after["credential_kind"] == "secret"
    assert "credential" not in second.after and second.after["cloud"] == "usgov"
    encrypted = TenantConnection.objects.get(tenant=tenant_a).client_secret_encrypted
    for event in (first, second):
        text = str(event.before) + str(event.after)
        assert SECRET not in text and encrypted not in text


def test_the_credential_fields_are_write_only_secret_fields(client_for, alice, tenant_a):
    from readiness.connectors.forms import ConnectionForm
    from readiness.core.forms import SecretField

    form = ConnectionForm()
    assert isinstance(form.fields["client_secret"], SecretField)
    assert isinstance(form.fields["certificate_key"], SecretField)
    response = client_for(alice).post(_url(tenant_a), _form(client_secret=SECRET))
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"

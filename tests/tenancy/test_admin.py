from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory

from readiness.connectors.models import TenantConnection
from readiness.tenancy.admin import TenantScopedAdmin
from readiness.tenancy.models import AuditEvent, Membership, Tenant


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_staff_who_are_not_msp_admins_cannot_enter_the_admin(alice, client_for):
    alice.is_staff = True
    alice.save()
    response = client_for(alice).get("/admin/tenancy/membership/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_scoped_admins_narrow_rows_and_foreign_key_choices(alice, bob, tenant_a, tenant_b):
    membership_admin = admin.site._registry[Membership]
    rows = membership_admin.get_queryset(_request(alice))
    assert set(rows.values_list("tenant__slug", flat=True)) == {"tenant-a"}
    field = Membership._meta.get_field("tenant")
    choices = membership_admin.formfield_for_foreignkey(field, _request(alice)).queryset
    assert list(choices) == [tenant_a]
    tenant_admin = admin.site._registry[Tenant]
    assert list(tenant_admin.get_queryset(_request(bob))) == [tenant_b]


def test_a_scoped_admin_never_shows_an_encrypted_field(msp_admin):
    class ConnectionAdmin(TenantScopedAdmin):
        list_display = ("tenant", "client_secret_encrypted")
        readonly_fields = ("certificate_key_encrypted", "client_id")

    model_admin = ConnectionAdmin(TenantConnection, admin.site)
    request = _request(msp_admin)
    assert "client_secret_encrypted" in model_admin.get_exclude(request)
    assert model_admin.get_list_display(request) == ["tenant"]
    assert model_admin.get_readonly_fields(request) == ["client_id"]


def test_membership_changes_in_the_admin_are_audited(msp_admin, charlie, client_for, tenant_a):
    client = client_for(msp_admin)
    response = client.post("/admin/tenancy/membership/add/",
                           {"tenant": tenant_a.pk, "user": charlie.pk, "role": "viewer"})
    assert response.status_code == 302
    assert AuditEvent.objects.get().action == "membership.granted"


def test_every_admin_of_a_tenant_owned_model_is_scoped():
    from readiness.tenancy.models import TenantOwned

    unscoped = [model._meta.label for model, model_admin in admin.site._registry.items()
                if issubclass(model, TenantOwned)
                and not isinstance(model_admin, TenantScopedAdmin)]
    assert unscoped == []


def test_the_webhook_admin_hides_the_signing_secret(msp_admin):
    from readiness.notifications.models import Webhook

    model_admin = admin.site._registry[Webhook]
    request = _request(msp_admin)
    assert "secret_encrypted" in model_admin.get_exclude(request)
    assert "secret_encrypted" not in model_admin.get_form(request).base_fields

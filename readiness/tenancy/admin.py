"""Admin registrations and `TenantScopedAdmin`, the base for every tenant-owned admin.

The admin site itself admits MSP admins only (admin_site.py). TenantScopedAdmin still
narrows querysets and foreign-key choices through scoping, and never shows an
encrypted column (crypto.ENCRYPTED_FIELDS), so the admin cannot leak either way.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from readiness.core import crypto
from readiness.tenancy import scoping, services
from readiness.tenancy.audit import request_ip
from readiness.tenancy.models import (
    AuditEvent,
    ExternalIdentity,
    Membership,
    Tenant,
    UserSecurity,
)


class ReadOnlyAdminMixin:
    """Records that are written only by services (audit log, imports, Microsoft's
    milestones): the admin may look, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HttpsUrlAdmin(admin.ModelAdmin):
    """URL fields typed without a scheme mean https (Django 6's default, chosen now)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class TenantScopedAdmin(HttpsUrlAdmin):
    """Base for tenant-owned models: set `tenant_field` if the path is not "tenant"."""

    tenant_field = "tenant"

    def get_queryset(self, request):
        return scoping.scope(super().get_queryset(request), request.user,
                             tenant_field=self.tenant_field)

    def _narrow(self, related_model, request):
        manager = related_model._default_manager
        if related_model is Tenant:
            return scoping.visible_tenants(request.user)
        if any(f.name == "tenant" for f in related_model._meta.get_fields()):
            return scoping.scope(manager.all(), request.user)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = self._narrow(db_field.related_model, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = self._narrow(db_field.related_model, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_exclude(self, request, obj=None):
        hidden = crypto.encrypted_fields_for(self.model)
        return [*(super().get_exclude(request, obj) or []), *hidden] or None

    def get_readonly_fields(self, request, obj=None):
        hidden = set(crypto.encrypted_fields_for(self.model))
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]

    def get_list_display(self, request):
        hidden = set(crypto.encrypted_fields_for(self.model))
        return [f for f in super().get_list_display(request) if f not in hidden]


@admin.register(Tenant)
class TenantAdmin(TenantScopedAdmin):
    tenant_field = ""
    list_display = ("name", "slug", "primary_domain", "created_at")
    search_fields = ("name", "slug", "primary_domain")


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    """Writes go through the services, so admin changes are audited like the UI's."""

    list_display = ("user", "tenant", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "tenant__name")

    def save_model(self, request, obj, form, change):
        services.membership_grant(tenant=obj.tenant, user=obj.user, role=obj.role,
                                  actor=request.user, source="web", ip=request_ip(request))

    def delete_model(self, request, obj):
        services.membership_revoke(tenant=obj.tenant, user=obj.user, actor=request.user,
                                   source="web", ip=request_ip(request))

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("tenant", "user"):
            self.delete_model(request, membership)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    """Read-only: the audit log has no edit path anywhere."""

    list_display = ("created_at", "tenant", "actor_label", "action", "object_repr", "source")
    list_filter = ("source",)
    search_fields = ("actor_label", "action", "object_repr")

    def get_queryset(self, request):
        # Events without a tenant are visible to MSP admins, who are the only admin users.
        return AuditEvent.objects.all() if scoping.is_msp_admin(request.user) else (
            super().get_queryset(request))


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "provider", "subject", "email", "created_at", "last_login_at")
    search_fields = ("user__username", "subject", "email")
    readonly_fields = ("created_at", "last_login_at")


@admin.register(UserSecurity)
class UserSecurityAdmin(admin.ModelAdmin):
    list_display = ("user", "entra_link_by_email", "session_epoch")
    readonly_fields = ("session_epoch",)

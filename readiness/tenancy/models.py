from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from readiness.tenancy.choices import Role


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant) -> TenantQuerySet:
        return self.filter(pk=tenant.pk)


class Tenant(models.Model):
    """A customer's Microsoft 365 organisation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    tenant_guid = models.UUIDField("directory (tenant) ID", unique=True, default=uuid.uuid4)
    primary_domain = models.CharField(max_length=253, blank=True)
    verify_after_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days without Basic usage before a migrated sender is verified."
    )
    due_buffer_days = models.PositiveSmallIntegerField(
        default=14, help_text="Tickets are due this many days before the next milestone."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantOwnedQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant) -> TenantOwnedQuerySet:
        return self.filter(tenant=tenant)


class TenantOwned(models.Model):
    """Base for every tenant-owned row: the tenant FK and the for_tenant() queryset."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")

    objects = TenantOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class Membership(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.tenant} · {self.get_role_display()}"

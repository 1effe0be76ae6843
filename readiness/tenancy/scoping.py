"""The one place that decides which tenants a user may see and what they may do.

Every view, export, chart, upload, API endpoint and admin page narrows its queryset
through these functions. Another tenant's object is a 404, never a 403, so the
existence of a tenant is not disclosed either.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from readiness.tenancy.choices import ROLE_CAPABILITIES, Capability
from readiness.tenancy.models import Membership, Tenant


def is_msp_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def visible_tenants(user) -> QuerySet[Tenant]:
    if not user.is_authenticated or not user.is_active:
        return Tenant.objects.none()
    if is_msp_admin(user):
        return Tenant.objects.all()
    return Tenant.objects.filter(pk__in=Membership.objects.filter(user=user).values("tenant"))


def role_of(user, tenant: Tenant) -> str | None:
    membership = Membership.objects.filter(user=user, tenant=tenant).only("role").first()
    return membership.role if membership else None


def capabilities(user, tenant: Tenant) -> frozenset[str]:
    if is_msp_admin(user):
        return frozenset(Capability.values)
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    role = role_of(user, tenant)
    return ROLE_CAPABILITIES.get(role, frozenset()) if role else frozenset()


def can(user, tenant: Tenant, capability: str) -> bool:
    return capability in capabilities(user, tenant)


def tenant_for_user_or_404(user, slug: str, capability: str = Capability.VIEW) -> Tenant:
    """The tenant by slug, or 404 when the user may not see it or lacks the capability.

    A missing capability on a visible tenant is a 403 raised by the caller; here a
    user who cannot even see the tenant learns nothing about it.
    """
    tenant = visible_tenants(user).filter(slug=slug).first()
    if tenant is None:
        raise Http404("No such tenant")
    return tenant


def scope(queryset: QuerySet, user, *, tenant_field: str = "tenant") -> QuerySet:
    """Narrow any tenant-owned queryset to the tenants the user may see.

    `tenant_field` is the lookup path to the owning tenant ("sender__tenant" for a row
    owned through its sender). A Tenant queryset is narrowed with tenant_field="".
    """
    if is_msp_admin(user):
        return queryset
    visible = visible_tenants(user)
    if not tenant_field:
        return queryset.filter(pk__in=visible.values("pk"))
    return queryset.filter(**{f"{tenant_field}__in": visible.values("pk")})

"""Reads for memberships and the audit log, already narrowed by the caller's tenant."""

from __future__ import annotations

from django.db.models import QuerySet

from readiness.tenancy import scoping
from readiness.tenancy.models import AuditEvent, Membership, Tenant


def membership_queryset(*, tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.for_tenant(tenant).select_related("user").order_by("user__username")


def audit_queryset(*, tenant: Tenant | None, user) -> QuerySet[AuditEvent]:
    """One tenant's events, or (tenant=None) every event the user may see.

    Events without a tenant (user creation, key rotation) are for MSP admins only.
    """
    events = AuditEvent.objects.select_related("tenant", "actor")
    if tenant is not None:
        return events.for_tenant(tenant)
    if scoping.is_msp_admin(user):
        return events
    return scoping.scope(events, user)

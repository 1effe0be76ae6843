"""Reads for memberships and the audit log, already narrowed by the caller's tenant."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from readiness.tenancy import scoping
from readiness.tenancy.choices import Role
from readiness.tenancy.models import AuditEvent, Invitation, Membership, Tenant


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


def known_users(*, tenant: Tenant, user) -> QuerySet:
    """Whom a tenant manager may add without an invitation: active users already in a
    tenant they manage, not yet in `tenant`. Nobody else's users, ever."""
    managed = Membership.objects.filter(user=user, role=Role.MANAGER).values("tenant")
    colleagues = Membership.objects.filter(tenant__in=managed).values("user")
    present = Membership.objects.for_tenant(tenant).values("user")
    return (get_user_model().objects.filter(is_active=True, pk__in=colleagues)
            .exclude(pk__in=present).order_by("username"))


def invitation_queryset(*, tenant: Tenant) -> QuerySet[Invitation]:
    return Invitation.objects.for_tenant(tenant).filter(accepted_at=None).order_by("email")

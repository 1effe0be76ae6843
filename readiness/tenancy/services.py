"""Writes for memberships and users. Each records an audit event."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from readiness.tenancy import scoping
from readiness.tenancy.audit import audit_record
from readiness.tenancy.choices import Role
from readiness.tenancy.models import Membership, Tenant


def _refuse_self_change(*, actor, user) -> None:
    # A manager editing their own role could lock the tenant out of management;
    # MSP admins (and the CLI, actor=None) may.
    if actor is not None and actor.pk == user.pk and not scoping.is_msp_admin(actor):
        raise ValidationError("You cannot change your own membership; ask another manager.")


@transaction.atomic
def membership_grant(*, tenant: Tenant, user, role: str, actor, source: str = "web",
                     ip: str = "") -> Membership:
    """Give `user` `role` in `tenant`, creating or changing the membership."""
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.")
    _refuse_self_change(actor=actor, user=user)
    membership = Membership.objects.select_for_update().filter(tenant=tenant, user=user).first()
    before = {"role": membership.role} if membership else {}
    if membership is None:
        membership = Membership(tenant=tenant, user=user, role=role)
    membership.role = role
    membership.full_clean(validate_unique=False)
    membership.save()
    action = "membership.changed" if before else "membership.granted"
    if before.get("role") != role:
        audit_record(actor=actor, tenant=tenant, action=action, obj=membership, before=before,
                     after={"user": user.get_username(), "role": role}, ip=ip, source=source)
    return membership


@transaction.atomic
def membership_revoke(*, tenant: Tenant, user, actor, source: str = "web", ip: str = "") -> bool:
    """Remove `user` from `tenant`; False when there was no membership."""
    _refuse_self_change(actor=actor, user=user)
    membership = Membership.objects.filter(tenant=tenant, user=user).first()
    if membership is None:
        return False
    audit_record(actor=actor, tenant=tenant, action="membership.revoked", obj=membership,
                 before={"user": user.get_username(), "role": membership.role}, ip=ip,
                 source=source)
    membership.delete()
    return True


def user_create(*, username: str, email: str, password: str, actor, source: str = "web",
                ip: str = ""):
    """A new local user; the password must pass the configured validators."""
    user_model = get_user_model()
    user = user_model(username=username, email=email)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(actor=actor, tenant=None, action="user.created", obj=user,
                 after={"username": username, "email": email}, ip=ip, source=source)
    return user

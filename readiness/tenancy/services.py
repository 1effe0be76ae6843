"""Writes for memberships and users. Each records an audit event."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readiness.core.values import BadAddress, address_normalize
from readiness.tenancy import scoping
from readiness.tenancy.audit import audit_record
from readiness.tenancy.choices import Role
from readiness.tenancy.models import Invitation, Membership, Tenant, TenantDomain, TenantTag


def tenant_lock(tenant: Tenant) -> None:
    """Serialise the transactions that rewrite a tenant's derived facts (usage recomputes,
    rollups, sender clean-ups): the tenant row stays locked until this transaction ends.
    Take it first thing in the transaction, so every writer waits in the same order.
    Without it, two of them (a tenant's sign-in and Exchange ingests finishing on two
    workers) each delete and re-insert the same unique rows, or one deletes a sender the
    other is inserting a rollup for, and the second fails."""
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()


def _refuse_self_change(*, actor, user) -> None:
    # A manager editing their own role could lock the tenant out of management;
    # MSP admins (and the CLI, actor=None) may.
    if actor is not None and actor.pk == user.pk and not scoping.is_msp_admin(actor):
        raise ValidationError(_("You cannot change your own membership; ask another manager."))


@transaction.atomic
def membership_grant(*, tenant: Tenant, user, role: str, actor, source: str = "web",
                     ip: str = "") -> Membership:
    """Give `user` `role` in `tenant`, creating or changing the membership."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)r; choose one of %(roles)s.")
                              % {"role": role, "roles": ", ".join(Role.values)})
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


# --- invitations (docs/security.md, "Inviting members") --------------------------------

INVITATION_DAYS = 7


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(*, tenant: Tenant, email: str, role: str, actor, accept_url,
                    ip: str = "", source: str = "web") -> Invitation:
    """Invite `email` to `tenant`. Does the same whether or not an account has that
    address, so the inviting manager learns nothing about other tenants' users.

    `accept_url(token)` builds the absolute link; a fresh invitation replaces a
    pending one for the same address (the old link stops working).
    """
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)r; choose one of %(roles)s.")
                              % {"role": role, "roles": ", ".join(Role.values)})
    email = email.strip().lower()
    Invitation.objects.for_tenant(tenant).filter(email=email, accepted_at=None).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        tenant=tenant, email=email, role=role, token_hash=_token_hash(token),
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS))
    audit_record(actor=actor, tenant=tenant, action="invitation.sent", obj=invitation,
                 after={"email": email, "role": role}, ip=ip, source=source)
    link = accept_url(token)
    name = " ".join(tenant.name.split())  # no line breaks in a mail header
    # The invitee has no language of their own yet: the inviting manager's (the request's).
    subject = _("You are invited to %(tenant)s on SMTP AUTH Readiness") % {"tenant": name}
    body = ngettext(
        "You have been invited to %(tenant)s as %(role)s.\n\nOpen this link within %(days)d "
        "day to sign in or create an account and accept:\n%(link)s\n\nIf you did not "
        "expect this, ignore this message.",
        "You have been invited to %(tenant)s as %(role)s.\n\nOpen this link within %(days)d "
        "days to sign in or create an account and accept:\n%(link)s\n\nIf you did not "
        "expect this, ignore this message.", INVITATION_DAYS,
    ) % {"tenant": name, "role": Role(role).label, "days": INVITATION_DAYS, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL,
                                            [email]))
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The pending, unexpired invitation for this link, else None."""
    return (Invitation.objects.select_related("tenant")
            .filter(token_hash=_token_hash(token), accepted_at=None,
                    expires_at__gt=timezone.now()).first())


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, ip: str = "") -> Membership:
    """The link's holder joins: with the role the manager chose (never lowered for a
    member who already has more)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already used."))
    current = scoping.role_of(user, invitation.tenant)
    order = list(Role.values)
    role = invitation.role
    if current and order.index(current) > order.index(role):
        role = current
    membership = membership_grant(tenant=invitation.tenant, user=user, role=role,
                                  actor=None, source="web", ip=ip)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(actor=user, tenant=invitation.tenant, action="invitation.accepted",
                 obj=invitation, after={"user": user.get_username(), "role": role}, ip=ip)
    return membership


TAG = re.compile(r"^[\w][\w .:/+-]{0,39}$")


def tags_clean(tags) -> list[str]:
    names = sorted({str(t).strip() for t in tags if str(t).strip()})
    bad = [n for n in names if not TAG.match(n)]
    if bad:
        raise ValidationError({"tags": _("Not a valid tag: %(tag)r (1-40 letters, digits, "
                                         "spaces or . : / + -).") % {"tag": bad[0]}})
    return names


def tenant_tags_replace(*, tenant, tags) -> list[str]:
    """Set the tenant's tags (created on first use). A tag is 1-40 letters, digits,
    spaces or . : / + - characters, so it can travel in a URL filter and a CSV cell."""
    names = tags_clean(tags)
    tenant.tags.set([TenantTag.objects.get_or_create(name=n)[0] for n in names])
    return names


# --- the tenant's domains (the wrong-tenant check, readiness/tenancy/domains.py) ---------


def domain_name_clean(name: str) -> str:
    """A bare domain name, lower-case, or ValidationError saying what is wrong."""
    text = (name or "").strip().lower().rstrip(".")
    if text.startswith("@"):
        text = text[1:]
    try:
        address_normalize(f"postmaster@{text}")
    except BadAddress as exc:
        raise ValidationError(_("%(name)s is not a domain name: it %(reason)s.")
                              % {"name": repr(name), "reason": exc}) from None
    return text


@transaction.atomic
def tenant_domains_sync(*, tenant: Tenant, domains: list[dict]) -> int:
    """Replace the Graph-sourced domains with what /v1.0/domains says is verified.

    Domains added by hand stay: a manager may know of a domain Graph does not list."""
    verified = {}
    for row in domains:
        name = row.get("id") or row.get("name") or ""
        if not name or row.get("isVerified") is False:
            continue  # an unverified domain is a claim, not a fact
        try:
            verified[domain_name_clean(name)] = bool(row.get("isDefault"))
        except ValidationError:
            continue  # one odd name must not stop the ingest
    existing = TenantDomain.objects.for_tenant(tenant)
    existing.filter(source=TenantDomain.SOURCE_GRAPH).exclude(name__in=verified).delete()
    for name, default in verified.items():
        TenantDomain.objects.update_or_create(
            tenant=tenant, name=name,
            defaults={"source": TenantDomain.SOURCE_GRAPH, "is_default": default})
    return len(verified)


@transaction.atomic
def tenant_domain_add(*, tenant: Tenant, name: str, actor, ip: str = "", source: str = "web"):
    name = domain_name_clean(name)
    domain, created = TenantDomain.objects.get_or_create(
        tenant=tenant, name=name, defaults={"source": TenantDomain.SOURCE_MANUAL})
    if created:
        audit_record(actor=actor, tenant=tenant, action="domain.added", obj=domain,
                     after={"name": name}, ip=ip, source=source)
    return domain


@transaction.atomic
def tenant_domain_remove(*, tenant: Tenant, pk: int, actor, ip: str = "") -> bool:
    """Only hand-added domains can be removed: Graph's come back on the next ingest."""
    domain = TenantDomain.objects.for_tenant(tenant).filter(
        pk=pk, source=TenantDomain.SOURCE_MANUAL).first()
    if domain is None:
        return False
    audit_record(actor=actor, tenant=tenant, action="domain.removed", obj=domain,
                 before={"name": domain.name}, ip=ip)
    domain.delete()
    return True

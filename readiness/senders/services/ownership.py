"""Ownership edits for one sender and the sender table's bulk actions."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readiness.senders.choices import BulkAction
from readiness.senders.models import Sender
from readiness.senders.services.workflow import TransitionRefused, sender_transition
from readiness.tenancy import scoping
from readiness.tenancy.audit import audit_record
from readiness.tenancy.models import Tenant

OWNERSHIP_FIELDS = ("owner_user", "owner_name", "owner_email", "team", "device_type",
                    "device_model", "vendor", "model", "notes", "migration_path")


class BulkRefused(Exception):
    """The bulk action was refused as a whole; nothing was changed."""


def _plain(value):
    return getattr(value, "pk", value)


def sender_update_ownership(*, tenant: Tenant, sender: Sender, changes: dict, actor,
                            source: str = "web", ip: str = "") -> Sender:
    """Set ownership fields (OWNERSHIP_FIELDS only); validates, saves and audits."""
    unknown = set(changes) - set(OWNERSHIP_FIELDS)
    if unknown:
        raise ValidationError(_("Not ownership fields: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    if sender.tenant_id != tenant.pk:
        raise ValidationError(_("This sender does not belong to the tenant."))
    owner = changes.get("owner_user")
    if owner is not None and not scoping.visible_tenants(owner).filter(pk=tenant.pk).exists():
        raise ValidationError({"owner_user": _("The owner must be a member of this tenant.")})
    before = {f: _plain(getattr(sender, f)) for f in changes}
    for name, value in changes.items():
        setattr(sender, name, value)
    # Validate only what changes: a stored value (the address, above all) must never
    # block an edit of the owner or the notes.
    untouched = [f.name for f in Sender._meta.concrete_fields if f.name not in changes]
    sender.full_clean(exclude=untouched, validate_unique=False, validate_constraints=False)
    sender.save(update_fields=list(changes))
    audit_record(actor=actor, tenant=tenant, action="sender.ownership", obj=sender,
                 before=before, after={f: _plain(getattr(sender, f)) for f in changes},
                 ip=ip, source=source)
    return sender


def senders_resolve(*, tenant: Tenant, sender_ids: Iterable) -> list[Sender]:
    """All the ids, resolved inside the tenant, or BulkRefused: never a partial set."""
    try:
        wanted = {int(pk) for pk in sender_ids}
    except (TypeError, ValueError) as exc:
        raise BulkRefused(_("The selection contains an invalid sender id.")) from exc
    if not wanted:
        raise BulkRefused(_("Select at least one sender."))
    senders = list(Sender.objects.for_tenant(tenant).filter(pk__in=wanted).order_by("pk"))
    if len(senders) != len(wanted):
        missing = len(wanted) - len(senders)
        raise BulkRefused(ngettext(
            "%(count)d of the selected senders is not a sender of this tenant; nothing was "
            "changed.",
            "%(count)d of the selected senders are not senders of this tenant; nothing was "
            "changed.", missing) % {"count": missing})
    return senders


@transaction.atomic
def senders_bulk_apply(*, tenant: Tenant, action: str, sender_ids: Iterable, params: dict,
                       actor, source: str = "web", ip: str = "") -> dict:
    """Apply one bulk action to every selected sender, all or nothing.

    params by action: set_owner {owner_user | owner_name, owner_email}; set_team {team};
    set_device_type {device_type}; set_migration_path {migration_path};
    transition {to_status, comment}; create_ticket {assignee, title, due_date}.
    """
    senders = senders_resolve(tenant=tenant, sender_ids=sender_ids)
    if action == BulkAction.TRANSITION:
        return _bulk_transition(tenant, senders, params, actor, source, ip)
    if action == BulkAction.CREATE_TICKET:
        from readiness.senders.services.tickets import ticket_create

        ticket = ticket_create(tenant=tenant, senders=senders, actor=actor, source=source,
                               ip=ip, title=params.get("title", ""),
                               assignee=params.get("assignee"), due_date=params.get("due_date"))
        return {"changed": len(senders), "ticket": ticket}
    changes = _bulk_changes(action, params)
    for sender in senders:
        sender_update_ownership(tenant=tenant, sender=sender, changes=changes, actor=actor,
                                source=source, ip=ip)
    return {"changed": len(senders)}


def _bulk_changes(action: str, params: dict) -> dict:
    if action == BulkAction.SET_OWNER:
        if params.get("owner_user"):
            return {"owner_user": params["owner_user"], "owner_name": "", "owner_email": ""}
        if not (params.get("owner_name") or params.get("owner_email")):
            raise BulkRefused(_("Choose a user or give an external owner's name or e-mail."))
        return {"owner_user": None, "owner_name": params.get("owner_name", ""),
                "owner_email": params.get("owner_email", "")}
    field = {BulkAction.SET_TEAM: "team", BulkAction.SET_DEVICE_TYPE: "device_type",
             BulkAction.SET_MIGRATION_PATH: "migration_path"}.get(action)
    if field is None:
        raise BulkRefused(_("Unknown bulk action “%(action)s”.") % {"action": action})
    return {field: params.get(field, "")}


def _bulk_transition(tenant, senders, params, actor, source, ip) -> dict:
    refusals = []
    for sender in senders:
        try:
            sender_transition(tenant=tenant, sender=sender, to_status=params.get("to_status"),
                              actor=actor, comment=params.get("comment", ""), source=source,
                              ip=ip, exception=params.get("exception"))
        except TransitionRefused as exc:
            refusals.append(f"{sender.address}: {exc.reason}")
    if refusals:
        # Raising rolls back the transitions already made: all or nothing.
        more = len(refusals) - 5
        raise BulkRefused(_("Nothing was changed.") + " " + " ".join(refusals[:5])
                          + (" " + _("(+%(count)d more)") % {"count": more} if more > 0 else ""))
    return {"changed": len(senders)}

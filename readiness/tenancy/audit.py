"""The audit log's one write path. Every service that changes something calls
`audit_record`; the log has no edit path in the UI or the admin.

Never pass a secret value in `before`/`after`: record that it changed, not what to.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# What each recorded action means, for people (the log stores the stable code).
ACTION_LABELS = {
    "api_token.create": _("API token created"),
    "connection.save": _("Connection settings saved"),
    "encryption_key.rotated": _("Encryption key rotated"),
    "identity.linked": _("Microsoft sign-in linked"),
    "import.apply": _("Report imported"),
    "import.confirm": _("Report import confirmed"),
    "import.delete": _("Report deleted"),
    "import.upload": _("Report uploaded"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.sent": _("Invitation sent"),
    "membership.granted": _("Member added"),
    "membership.changed": _("Member's role changed"),
    "membership.revoked": _("Member removed"),
    "milestone.create": _("Milestone added"),
    "milestone.retire": _("Milestone retired"),
    "milestone.update": _("Milestone changed"),
    "sender.exceptions_track": _("Sender exception recorded"),
    "sender.ownership": _("Sender ownership changed"),
    "sender.transition": _("Sender status changed"),
    "ticket.comment": _("Ticket commented"),
    "ticket.create": _("Ticket created"),
    "ticket.update": _("Ticket changed"),
    "user.created": _("User created"),
    "webhook.create": _("Webhook added"),
    "webhook.delete": _("Webhook removed"),
}
# The audit page's "Area" filter: the part of an action code before the dot.
ACTION_AREAS = [
    ("sender", _("Senders")), ("ticket", _("Tickets")), ("membership", _("Members")),
    ("invitation", _("Invitations")), ("import", _("Report imports")),
    ("connection", _("Connection")), ("milestone", _("Milestones")),
    ("webhook", _("Webhooks")), ("api_token", _("API tokens")), ("user", _("Users")),
    ("identity", _("Sign-in")), ("encryption_key", _("Encryption")),
]


def action_label(action: str) -> str:
    """A known action's label; an unknown one spelled out ("foo.bar_baz" -> "Foo bar baz")."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def request_ip(request) -> str:
    # The same address the login throttle uses: X-Forwarded-For only behind a trusted proxy.
    from readiness.core.client_ip import client_ip

    return client_ip(request)[:45] if request is not None else ""


def audit_record(*, actor, tenant, action: str, obj: models.Model | None = None,
                 before: dict | None = None, after: dict | None = None, ip: str = "",
                 source: str = "web"):
    from readiness.tenancy.models import AuditEvent

    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=str(actor) if actor is not None else source,
        tenant=tenant, action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before or {}, after=after or {}, ip=ip, source=source,
    )

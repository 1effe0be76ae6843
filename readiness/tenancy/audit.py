"""The audit log's one write path. Every service that changes something calls
`audit_record`; the log has no edit path in the UI or the admin.

Never pass a secret value in `before`/`after`: record that it changed, not what to.
"""

from __future__ import annotations

from django.db import models


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

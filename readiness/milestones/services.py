"""Milestone writes (Microsoft's milestones are seeded by the app's initial migration)."""

from __future__ import annotations

from readiness.milestones.choices import Status
from readiness.milestones.models import Milestone
from readiness.tenancy.audit import audit_record

AUDITED_FIELDS = ("key", "date", "precision", "kind", "status", "title", "source", "as_of")


def _snapshot(milestone) -> dict:
    return {f: str(getattr(milestone, f)) if getattr(milestone, f) is not None else None
            for f in AUDITED_FIELDS}


def milestone_save(*, actor, milestone, ip: str = "", source: str = "web"):
    """Create or update a milestone (Microsoft's when `tenant` is None); audited.

    The caller passes an unsaved or modified instance (e.g. from a ModelForm).
    """
    before = _snapshot(Milestone.objects.get(pk=milestone.pk)) if milestone.pk else {}
    milestone.full_clean()
    milestone.save()
    audit_record(actor=actor, tenant=milestone.tenant,
                 action="milestone.update" if before else "milestone.create", obj=milestone,
                 before=before, after=_snapshot(milestone), ip=ip, source=source)
    return milestone


def milestone_retire(*, actor, milestone, ip: str = "", source: str = "web"):
    """Mark a milestone superseded: charts keep it, dashed and labelled "cancelled"."""
    before = _snapshot(milestone)
    milestone.status = Status.SUPERSEDED
    milestone.full_clean()
    milestone.save(update_fields=["status"])
    audit_record(actor=actor, tenant=milestone.tenant, action="milestone.retire", obj=milestone,
                 before=before, after=_snapshot(milestone), ip=ip, source=source)
    return milestone

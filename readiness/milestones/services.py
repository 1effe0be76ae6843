"""Milestone writes. Seeding reads the bundled milestones.json, which keeps its sources."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent / "data" / "milestones.json"


def load_seed(path: Path = SEED_FILE) -> tuple[date | None, list[dict]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    as_of = date.fromisoformat(data["as_of"]) if data.get("as_of") else None
    return as_of, data["milestones"]


def milestones_seed(*, milestone_model, path: Path = SEED_FILE) -> int:
    """Create or update Microsoft's milestones by key; used by the data migration too,
    which passes its historical model."""
    as_of, rows = load_seed(path)
    for row in rows:
        milestone_model.objects.update_or_create(
            tenant=None, key=row["key"],
            defaults={
                "date": date.fromisoformat(row["date"]), "precision": row["precision"],
                "kind": row["kind"], "status": row["status"], "title": row["title"],
                "source": row.get("source", ""), "as_of": as_of,
            },
        )
    return len(rows)


AUDITED_FIELDS = ("key", "date", "precision", "kind", "status", "title", "source", "as_of")


def _snapshot(milestone) -> dict:
    return {f: str(getattr(milestone, f)) if getattr(milestone, f) is not None else None
            for f in AUDITED_FIELDS}


def milestone_save(*, actor, milestone, ip: str = "", source: str = "web"):
    """Create or update a milestone (Microsoft's when `tenant` is None); audited.

    The caller passes an unsaved or modified instance (e.g. from a ModelForm).
    """
    from readiness.milestones.models import Milestone
    from readiness.tenancy.audit import audit_record

    before = _snapshot(Milestone.objects.get(pk=milestone.pk)) if milestone.pk else {}
    milestone.full_clean()
    milestone.save()
    audit_record(actor=actor, tenant=milestone.tenant,
                 action="milestone.update" if before else "milestone.create", obj=milestone,
                 before=before, after=_snapshot(milestone), ip=ip, source=source)
    return milestone


def milestone_retire(*, actor, milestone, ip: str = "", source: str = "web"):
    """Mark a milestone superseded: charts keep it, dashed and labelled "cancelled"."""
    from readiness.milestones.choices import Status
    from readiness.tenancy.audit import audit_record

    before = _snapshot(milestone)
    milestone.status = Status.SUPERSEDED
    milestone.full_clean()
    milestone.save(update_fields=["status"])
    audit_record(actor=actor, tenant=milestone.tenant, action="milestone.retire", obj=milestone,
                 before=before, after=_snapshot(milestone), ip=ip, source=source)
    return milestone

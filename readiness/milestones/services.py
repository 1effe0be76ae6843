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

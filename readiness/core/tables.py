"""Column helpers shared by every app's django-tables2 tables."""

from __future__ import annotations

from datetime import date

from django.db.models import F
from django.utils import timezone


def nulls_last(queryset, field: str, is_descending: bool):
    """An `order_<column>` result that keeps empty values at the end in both directions."""
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(
        nulls_last=True)
    return queryset.order_by(expression, "pk"), True


def due_text(day: date | None) -> str:
    if day is None:
        return "—"
    left = (day - timezone.now().date()).days
    return f"{day:%-d %b %Y} ({left} days left)" if left >= 0 else f"{day:%-d %b %Y} (passed)"

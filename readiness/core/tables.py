"""Column helpers shared by every app's django-tables2 tables."""

from __future__ import annotations

from datetime import date, timedelta

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


EVIDENCE_DAYS = 30
CONFLICT_BADGE = '<span class="badge text-bg-warning ms-1" title="{}">conflict: verify</span>'


class RowEvidence:
    """Evidence for the rows being shown (readiness.usage.evidence), read once per page
    (or once for an export, which renders every row): constant queries, whatever the
    page size. A table using it defines `evidence_read(records) -> {pk: ...}`."""

    _evidence_cache: dict | None = None

    def evidence_read(self, records) -> dict:
        raise NotImplementedError

    def evidence_of(self, record):
        cache = self._evidence_cache
        if cache is None or record.pk not in cache:
            page = getattr(self, "page", None)
            rows = page.object_list if cache is None and page is not None else self.rows
            cache = self._evidence_cache = self.evidence_read([row.record for row in rows])
        return cache.get(record.pk)

    def period(self):
        end = timezone.now().date()
        return end - timedelta(days=EVIDENCE_DAYS - 1), end

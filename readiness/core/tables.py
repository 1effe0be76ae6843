"""Column helpers shared by every app's django-tables2 tables: one date style everywhere."""

from __future__ import annotations

import types
from datetime import date, timedelta

import django_tables2 as tables
import django_tables2.utils
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tables2.columns.base import library
from django_tables2.data import TableQuerysetData

from readiness.core.templatetags.readiness_ui import day, reltime

_library_signature = django_tables2.utils.signature
_signatures: dict = {}


def _cached_signature(fn):
    """django-tables2 reads a render method's parameters with `inspect.signature` for
    every cell it draws (750 cells on a 50-row sender table: ~17 % of the page). The
    answer depends only on the function, so it is kept per function (a bound method's
    __func__); anything else (a partial, a callable object) is read as before."""
    if isinstance(fn, types.MethodType) and isinstance(fn.__func__, types.FunctionType):
        key = (fn.__func__, True)
    elif isinstance(fn, types.FunctionType):
        key = (fn, False)
    else:
        return _library_signature(fn)
    found = _signatures.get(key)
    if found is None:
        if len(_signatures) > 4096:  # functions made on the fly must not pile up
            _signatures.clear()
        found = _signatures[key] = _library_signature(fn)
    return found


django_tables2.utils.signature = _cached_signature


class PagedByKeys(TableQuerysetData):
    """Table data whose page is a deferred join: the database sorts and skips only the
    primary keys (a narrow sort, no joined columns carried past the OFFSET), then the
    page's rows are read with their joins, annotations and prefetches, in the same order.

    One statement still (`pk IN (SELECT pk … ORDER BY … LIMIT 50 OFFSET n)`), so the
    query count per page does not change; filters, search and every column's ordering
    work as on a plain queryset, because both halves are that queryset. Pass it as the
    table's data; iterating it (exports) reads every row as before. The primary key
    breaks ties, so rows with equal sort values never appear on two pages or on none.

    A page in the second half is counted from the end, in the reversed order (Django
    reverses each term, NULLS FIRST/LAST included): the last of 1,000 pages then costs
    what the first does (a top-50 sort or an index walk) instead of sorting all rows."""

    def __init__(self, data):
        super().__init__(data)
        self.selected = data  # what the filters selected, before any ordering

    def __len__(self):
        """The paginator's COUNT, over the rows the filters selected. An ordering may
        join a table that selects the very same rows (the sender table sorts on
        SenderRollup, which every sender has): without that join the count is a narrow
        index-only scan (50,000 senders: 37 ms -> 9 ms)."""
        if getattr(self, "_length", None) is None:
            self._length = (self.selected.count() if hasattr(self.table, "paginator")
                            else len(self.data))
        return self._length

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return super().__getitem__(key)
        ordered = self.data.order_by(*self.data.query.order_by, "pk")
        return ordered.filter(pk__in=self._page_keys(ordered, key.start or 0, key.stop))

    def _page_keys(self, ordered, start: int, stop: int | None):
        total = len(self)  # the paginator's COUNT, already run and cached
        stop = total if stop is None else min(stop, total)
        if start <= total // 2:
            return ordered.values("pk")[start:stop]
        return ordered.reverse().values("pk")[total - stop:total - start]


def nulls_last(queryset, field: str, is_descending: bool):
    """An `order_<column>` result that keeps empty values at the end in both directions."""
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(
        nulls_last=True)
    return queryset.order_by(expression, "pk"), True


def headers(**labels):
    """Class decorator: translatable headers for the columns a table takes from
    Meta.fields. Without it django-tables2 uses the model field's name ("created at"),
    which is English in every language; this keeps the models (and their migrations)
    as they are. tests/i18n/test_labels.py fails on any header left untranslatable."""
    def apply(table_class):
        for name, label in labels.items():
            table_class.base_columns[name].verbose_name = label
        return table_class
    return apply


def due_text(due: date | None) -> str:
    """A due day with its countdown, in the same words as the milestones' day-precision
    countdown: "17 Dec 2026 (16 days left)"."""
    if due is None:
        return "—"
    left = (due - timezone.localdate()).days
    if left < 0:
        status = _("passed")
    elif left == 0:
        status = _("today")
    else:
        status = ngettext("%(n)d day left", "%(n)d days left", left) % {"n": left}
    return _("%(when)s (%(left)s)") % {"when": date_format(due, "DATE_FORMAT"), "left": status}


# Registered with django-tables2's column library (DayColumn first: the library tries
# the most recently registered first, and a DateTimeField is also a DateField), so every
# table's automatic date columns speak the same way without naming these classes.
class WhenColumn(tables.DateTimeColumn):
    """A moment: "3 hours ago", the exact date and time on hover; exports keep the
    datetime itself (a real date in XLSX)."""

    def render(self, value):
        return reltime(value)

    def value(self, value):
        return value


class DayColumn(tables.DateColumn):
    """A calendar day in the locale's date format; exports keep the date."""

    def render(self, value):
        return day(value)

    def value(self, value):
        return value


library.register(DayColumn)
library.register(WhenColumn)


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

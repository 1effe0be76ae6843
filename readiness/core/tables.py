"""Column helpers shared by every app's django-tables2 tables."""

from __future__ import annotations

from datetime import date

from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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


def due_text(day: date | None) -> str:
    if day is None:
        return "—"
    left = (day - timezone.now().date()).days
    if left < 0:
        return _("%(day)s (passed)") % {"day": date_format(day)}
    return ngettext("%(day)s (%(left)d day left)", "%(day)s (%(left)d days left)", left) % {
        "day": date_format(day), "left": left}

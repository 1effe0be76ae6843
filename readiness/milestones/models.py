from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import dateformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readiness.milestones.choices import Kind, Precision, Status
from readiness.milestones.titles import title_display
from readiness.tenancy.models import Tenant


def precision_label(day, precision: str) -> str:
    """The date only as precisely as Microsoft gave it: "31 Dec 2026", "end of
    December 2026", "second half of 2027" (the locale's formats)— never an invented day."""
    if precision == Precision.MONTH:
        # "E": the month's name as it stands after "end of" (Czech: "konec prosince").
        return _("end of %(month)s %(year)d") % {"month": dateformat.format(day, "E"),
                                                 "year": day.year}
    if precision == Precision.HALF_YEAR:
        if day.month <= 6:
            return _("first half of %(year)d") % {"year": day.year}
        return _("second half of %(year)d") % {"year": day.year}
    return date_format(day, "DATE_FORMAT")


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def countdown_label(day: date, precision: str, today: date) -> str:
    """How long is left, at the milestone's own precision. The one countdown every page
    uses (header, tables, charts), so they always agree."""
    if precision == Precision.MONTH:
        months = _months_between(today, day)
        if months < 0:
            return _("passed")
        if months == 0:
            return _("this month")
        return ngettext("%(n)d month left", "%(n)d months left", months) % {"n": months}
    if precision == Precision.HALF_YEAR:
        half_end = date(day.year, 6 if day.month <= 6 else 12, 1)
        months = _months_between(today, half_end)
        if months < 0:
            return _("passed")
        if months < 6:
            return _("this half-year")
        return ngettext("about %(n)d month left", "about %(n)d months left",
                        months) % {"n": months}
    days = (day - today).days
    if days < 0:
        return _("passed")
    if days == 0:
        return _("today")
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


def when_with_countdown(day: date, precision: str, today: date) -> str:
    """ "end of December 2026 (this month)", "31 Mar 2027 (120 days left)"."""
    return _("%(when)s (%(left)s)") % {"when": precision_label(day, precision),
                                        "left": countdown_label(day, precision, today)}


class MilestoneQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant | None) -> MilestoneQuerySet:
        """Microsoft's milestones plus, when given, that tenant's own targets."""
        if tenant is None:
            return self.filter(tenant__isnull=True)
        return self.filter(Q(tenant__isnull=True) | Q(tenant=tenant))

    def upcoming(self, today) -> MilestoneQuerySet:
        return self.filter(date__gte=today).exclude(status=Status.SUPERSEDED)


class Milestone(models.Model):
    """A dated step of the retirement. Dates are data: they moved several times.

    `tenant` is empty for Microsoft's milestones and set for a tenant's internal target.
    """

    tenant = models.ForeignKey(Tenant, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="milestones")
    key = models.SlugField(max_length=80)
    date = models.DateField()
    precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.DAY)
    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.DEADLINE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.EXPECTED)
    title = models.CharField(max_length=300)
    source = models.URLField(max_length=500, blank=True)
    as_of = models.DateField(null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["date", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(tenant__isnull=True),
                                    name="milestone_unique_global_key"),
            models.UniqueConstraint(fields=["tenant", "key"], name="milestone_unique_tenant_key"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def display_title(self) -> str:
        """The title in the reader's language when it is one of Microsoft's seeded ones."""
        return title_display(self.title, microsoft=self.tenant_id is None)

    @property
    def when_label(self) -> str:
        """The date only as precisely as it is known (precision_label)."""
        return precision_label(self.date, self.precision)

    def countdown(self, today: date) -> str:
        return countdown_label(self.date, self.precision, today)

    @property
    def is_superseded(self) -> bool:
        return self.status == Status.SUPERSEDED

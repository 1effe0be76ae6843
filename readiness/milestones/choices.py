from django.db import models
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    HALF_YEAR = "half-year", _("Half-year")


class Kind(models.TextChoices):
    DEADLINE = "deadline", _("Deadline")
    ANNOUNCEMENT = "announcement", _("Announcement")
    EFFECTIVE = "effective", _("Change in effect")
    INTERNAL = "internal", _("Internal target")


class Status(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    EFFECTIVE = "effective", _("Effective")
    EXPECTED = "expected", _("Expected")
    SUPERSEDED = "superseded", _("Superseded (cancelled)")

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    HALF_YEAR = "half-year", "Half-year"


class Kind(models.TextChoices):
    DEADLINE = "deadline", "Deadline"
    ANNOUNCEMENT = "announcement", "Announcement"
    EFFECTIVE = "effective", "Change in effect"
    INTERNAL = "internal", "Internal target"


class Status(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    EFFECTIVE = "effective", "Effective"
    EXPECTED = "expected", "Expected"
    SUPERSEDED = "superseded", "Superseded (cancelled)"

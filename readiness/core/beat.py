"""Periodic tasks are django-celery-beat rows, created by each app's data migration
through this one helper (so every schedule is data an admin can see and pause)."""

from __future__ import annotations

from django.db import migrations

BEAT_DEPENDENCY = ("django_celery_beat", "0019_alter_periodictasks_options")


def periodic_task(*, name: str, task: str, every_minutes: int | None = None,
                  daily_at: tuple[int, int] | None = None) -> migrations.RunPython:
    """A migration operation that schedules `task` every N minutes or daily at (h, m)
    UTC, and removes the schedule when the migration is reversed."""
    if (every_minutes is None) == (daily_at is None):
        raise ValueError("give exactly one of every_minutes and daily_at")

    def schedule(apps, schema_editor):
        when = _interval(apps, every_minutes) if every_minutes else _crontab(apps, daily_at)
        apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
            name=name, defaults={"task": task, "enabled": True, **when})

    def unschedule(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(schedule, unschedule)


def _interval(apps, minutes: int) -> dict:
    model = apps.get_model("django_celery_beat", "IntervalSchedule")
    interval, _ = model.objects.get_or_create(every=minutes, period="minutes")
    return {"interval": interval, "crontab": None}


def _crontab(apps, at: tuple[int, int]) -> dict:
    model = apps.get_model("django_celery_beat", "CrontabSchedule")
    crontab, _ = model.objects.get_or_create(
        minute=str(at[1]), hour=str(at[0]), day_of_week="*", day_of_month="*",
        month_of_year="*", timezone="UTC")
    return {"crontab": crontab, "interval": None}

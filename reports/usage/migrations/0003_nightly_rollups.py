from django.db import migrations


def schedule_nightly(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = crontab_model.objects.get_or_create(
        minute="15", hour="0", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="UTC")
    task_model.objects.update_or_create(
        name="Refresh usage rollups",
        defaults={"task": "usage.rollups_refresh_all", "crontab": nightly, "enabled": True},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("usage", "0002_rollups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule_nightly, migrations.RunPython.noop)]

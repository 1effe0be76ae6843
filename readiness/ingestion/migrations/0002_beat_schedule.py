from django.db import migrations


def schedule_dispatcher(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=1, period="minutes")
    task_model.objects.update_or_create(
        name="Dispatch due ingests",
        defaults={"task": "ingestion.dispatch", "interval": every_minute, "enabled": True},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ingestion", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule_dispatcher, migrations.RunPython.noop)]

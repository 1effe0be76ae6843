from django.db import migrations


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_15, _ = interval_model.objects.get_or_create(every=15, period="minutes")
    task_model.objects.update_or_create(
        name="Evaluate sender workflow",
        defaults={"task": "senders.evaluate_workflow", "interval": every_15, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="Evaluate sender workflow").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("senders", "0003_device_catalogue"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]

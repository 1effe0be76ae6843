from django.db import migrations

from readiness.core.beat import BEAT_DEPENDENCY, periodic_task


class Migration(migrations.Migration):
    dependencies = [("senders", "0003_device_catalogue"), BEAT_DEPENDENCY]
    operations = [
        periodic_task(name="Evaluate sender workflow", task="senders.evaluate_workflow", every_minutes=15),
    ]

from django.db import migrations

from readiness.core.beat import BEAT_DEPENDENCY, periodic_task


class Migration(migrations.Migration):
    dependencies = [("ingestion", "0001_initial"), BEAT_DEPENDENCY]
    operations = [
        periodic_task(name="Dispatch due ingests", task="ingestion.dispatch", every_minutes=1),
    ]

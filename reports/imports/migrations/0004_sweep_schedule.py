from django.db import migrations

from readiness.core.beat import BEAT_DEPENDENCY, periodic_task


class Migration(migrations.Migration):
    dependencies = [("imports", "0003_deleting_status"), BEAT_DEPENDENCY]
    operations = [
        periodic_task(name="Sweep orphan upload files", task="imports.sweep_orphans",
                      every_minutes=60),
    ]

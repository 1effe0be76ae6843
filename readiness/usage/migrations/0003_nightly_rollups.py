from django.db import migrations

from readiness.core.beat import BEAT_DEPENDENCY, periodic_task


class Migration(migrations.Migration):
    dependencies = [("usage", "0002_rollups"), BEAT_DEPENDENCY]
    operations = [
        periodic_task(name="Refresh usage rollups", task="usage.rollups_refresh_all", daily_at=(0, 15)),
    ]

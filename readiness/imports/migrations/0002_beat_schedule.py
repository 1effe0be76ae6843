from django.db import migrations

from readiness.core.beat import BEAT_DEPENDENCY, periodic_task


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial"), BEAT_DEPENDENCY]
    operations = [
        periodic_task(name="Scan report drop folders", task="imports.scan_inbox", every_minutes=1),
    ]

from django.db import migrations

from readiness.core.beat import BEAT_DEPENDENCY, periodic_task


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial"), BEAT_DEPENDENCY]
    operations = [
        periodic_task(name="Send overdue ticket notifications", task="notifications.send_overdue", daily_at=(7, 0)),
    ]

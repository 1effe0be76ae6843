"""Deliveries keep a short error class, never a response body or exception text.

Earlier rows stored up to 200 characters of the receiver's response body or the
exception text (which could quote internal services): replace each with a class.
"""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Cast, Concat


def errors_to_classes(apps, schema_editor):
    delivery = apps.get_model("notifications", "WebhookDelivery")
    failed = delivery.objects.exclude(error="")
    failed.filter(status_code__isnull=False).update(
        error=Concat(Value("HTTP "), Cast(F("status_code"), models.CharField())))
    failed.filter(status_code__isnull=True).update(error="connection error")


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(errors_to_classes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="error",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]

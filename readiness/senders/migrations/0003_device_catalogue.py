from django.db import migrations

# Generic, illustrative entries: the catalogue is edited in the admin afterwards.
ENTRIES = [
    ("Generic", "MFD without OAuth firmware", "printer", "no",
     "Older multifunction device: no XOAUTH2 support. Move it to a connector relay, HVE or "
     "an on-premises relay."),
    ("Generic", "MFD with OAuth firmware", "printer", "firmware",
     "Supports OAuth SMTP after a firmware update; register an Entra app and re-configure."),
    ("Generic", "Network scanner (scan-to-email, Basic only)", "scanner", "no",
     "Scan-to-email limited to username/password: relay or HVE."),
    ("Generic", "Modern SaaS app", "lob_app", "yes",
     "Supports OAuth SMTP or Graph sendMail out of the box."),
    ("Generic", "PowerShell Send-MailMessage script", "script", "no",
     "Send-MailMessage is obsolete and has no OAuth: rewrite for Graph sendMail."),
    ("Generic", "Monitoring appliance", "monitoring", "unknown",
     "Check the vendor's documentation for XOAUTH2 support."),
]


def seed(apps, schema_editor):
    device_model = apps.get_model("senders", "DeviceModel")
    for vendor, model, device_type, oauth, notes in ENTRIES:
        device_model.objects.update_or_create(
            vendor=vendor, model=model,
            defaults={"device_type": device_type, "oauth_support": oauth, "notes": notes},
        )


def unseed(apps, schema_editor):
    device_model = apps.get_model("senders", "DeviceModel")
    for vendor, model, *_ in ENTRIES:
        device_model.objects.filter(vendor=vendor, model=model, senders__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("senders", "0002_workflow")]
    operations = [migrations.RunPython(seed, unseed)]

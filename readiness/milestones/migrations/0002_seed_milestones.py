from django.db import migrations


def seed(apps, schema_editor):
    from readiness.milestones.services import milestones_seed

    milestones_seed(milestone_model=apps.get_model("milestones", "Milestone"))


class Migration(migrations.Migration):
    dependencies = [("milestones", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

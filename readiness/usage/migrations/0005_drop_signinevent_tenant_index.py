"""Drop SignInEvent's single-column tenant_id index: the unique (tenant, record_id) and
the (tenant, created_at) index both lead with tenant_id, so it only cost every ingested
event a third index entry (bench/README.md, sign-in ingest). A plain DROP INDEX, as in
0003: Django's own AlterField would drop and re-add the foreign key, re-checking every
row of the table while holding its lock.
"""

import django.db.models.deletion
from django.db import migrations, models

# Django's name for the foreign key's index (the same on PostgreSQL and SQLite).
INDEX, TABLE, COLUMN = "usage_signinevent_tenant_id_8c774c75", "usage_signinevent", "tenant_id"


class Migration(migrations.Migration):

    dependencies = [
        ('tenancy', '0006_usersecurity_language'),
        ('usage', '0004_evidence'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{INDEX}"',
                                  reverse_sql=f'CREATE INDEX "{INDEX}" ON "{TABLE}" ("{COLUMN}")'),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='signinevent',
                    name='tenant',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.tenant'),
                ),
            ],
        ),
    ]

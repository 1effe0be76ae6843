"""Drop three single-column foreign-key indexes that other indexes already cover.

DailyUsage's natural key leads with tenant_id and its (sender, day) index with
sender_id; ClientObservation's natural key leads with tenant_id. The duplicates only
cost every import their upkeep (bench/README.md). The database side is a plain
DROP INDEX: Django's own AlterField would drop and re-add the foreign-key constraints,
re-checking every row of the largest table while holding its lock.
"""

import django.db.models.deletion
from django.db import migrations, models

# Django's names for the foreign keys' indexes (a digest of table and column: the same
# on PostgreSQL and SQLite).
INDEXES = [
    ("usage_dailyusage_tenant_id_fdc9ab19", "usage_dailyusage", "tenant_id"),
    ("usage_dailyusage_sender_id_808097ed", "usage_dailyusage", "sender_id"),
    ("usage_clientobservation_tenant_id_c383abd0", "usage_clientobservation", "tenant_id"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('senders', '0002_alter_sender_address_alter_sender_owner_email'),
        ('tenancy', '0003_remove_tenant_tenant_guid'),
        ('usage', '0002_covered_day'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"',
                                  reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
                for name, table, column in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='clientobservation',
                    name='tenant',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.tenant'),
                ),
                migrations.AlterField(
                    model_name='dailyusage',
                    name='sender',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='usage', to='senders.sender'),
                ),
                migrations.AlterField(
                    model_name='dailyusage',
                    name='tenant',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.tenant'),
                ),
            ],
        ),
    ]

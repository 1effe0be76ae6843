"""After a large write the planner must know the tables grew (usage.sql.analyze_if_outgrown):
a first large import was followed by queries planned for empty tables (100 s)."""

import pytest
from django.db import connection

from readiness.usage import sql
from readiness.usage.services import senders_ensure

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="PostgreSQL's planner statistics")


def _known_rows(table: str) -> float:
    return sql.fetch("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])[0][0]


def test_creating_many_senders_refreshes_the_statistics(tenant_a):
    sql.execute("ANALYZE senders_sender")  # the statistics say: (almost) empty
    assert _known_rows("senders_sender") < 100
    senders_ensure(tenant=tenant_a, addresses=[f"app{n}@a.example" for n in range(3000)])
    assert _known_rows("senders_sender") >= 3000


def test_a_small_write_next_to_a_known_table_does_not_analyze(tenant_a):
    senders_ensure(tenant=tenant_a, addresses=[f"app{n}@a.example" for n in range(6000)])
    assert not sql.analyze_if_outgrown("senders_sender", 1000)  # a sixth: autovacuum's job
    assert sql.analyze_if_outgrown("senders_sender", 2000)

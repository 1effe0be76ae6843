"""The fact tables carry no index that another index already covers (import cost)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]}


@pytest.mark.parametrize(("table", "dropped", "kept"), [
    ("usage_dailyusage", [("tenant_id",), ("sender_id",)],
     [("tenant_id", "sender_id", "day", "auth_method", "source"), ("sender_id", "day"),
      ("tenant_id", "day")]),
    ("usage_clientobservation", [("tenant_id",)],
     [("tenant_id", "sender_id", "source", "client_ip", "tls_version"), ("sender_id",)]),
])
def test_no_foreign_key_index_duplicates_a_covering_one(table, dropped, kept):
    indexes = _indexes(table)
    assert not set(dropped) & indexes
    assert set(kept) <= indexes

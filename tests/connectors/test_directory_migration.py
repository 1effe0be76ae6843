"""The migration that makes the directory id unique releases existing duplicates: the
connection that named the directory first keeps it; later ones must re-enter theirs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from readiness.connectors.models import TenantConnection
from tests.factories import TenantFactory

BEFORE = [("connectors", "0001_initial")]
AFTER = [("connectors", "0002_tenantconnection_connection_unique_directory")]
DIRECTORY = "7f3e2d1c-0000-4000-8000-00000000c0de"


@pytest.mark.django_db(transaction=True)
def test_existing_duplicates_are_released_before_the_constraint():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        first = TenantConnection.objects.create(tenant=TenantFactory(slug="first"),
                                                directory_id=DIRECTORY, client_id="c")
        later = TenantConnection.objects.create(tenant=TenantFactory(slug="later"),
                                                directory_id=DIRECTORY.upper(), client_id="c")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.directory_id == DIRECTORY
    assert later.directory_id == "" and later.health == "error"
    assert "one tenant only" in later.last_error

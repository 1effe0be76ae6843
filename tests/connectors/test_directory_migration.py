"""The migration that makes the directory id unique releases existing duplicates: the
connection that named the directory first keeps it; later ones must re-enter theirs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import TenantFactory

BEFORE = [("connectors", "0001_initial")]
AFTER = [("connectors", "0002_tenantconnection_connection_unique_directory")]
DIRECTORY = "7f3e2d1c-0000-4000-8000-00000000c0de"


@pytest.mark.django_db(transaction=True)
def test_existing_duplicates_are_released_before_the_constraint():
    # The models as those migrations know them: later migrations add columns.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("connectors",
                                                                    "TenantConnection")
        first = old.objects.create(tenant_id=TenantFactory(slug="first").pk,
                                   directory_id=DIRECTORY, client_id="c")
        later = old.objects.create(tenant_id=TenantFactory(slug="later").pk,
                                   directory_id=DIRECTORY.upper(), client_id="c")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("connectors", "TenantConnection")
    first, later = new.objects.get(pk=first.pk), new.objects.get(pk=later.pk)
    executor = MigrationExecutor(connection)  # back to the latest state for the next tests
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert first.directory_id == DIRECTORY
    assert later.directory_id == "" and later.health == "error"
    assert "one tenant only" in later.last_error

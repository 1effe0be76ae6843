"""notifications.0002 replaces stored response bodies and exception text with a class."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_old_bodies_and_exception_texts_become_error_classes():
    executor = MigrationExecutor(connection)
    # Tenancy stays at its latest state (its squashed 0001 still has the old tenant_guid).
    before = [("notifications", "0001_initial"), ("tenancy", "0003_remove_tenant_tenant_guid")]
    after = [("notifications", "0002_delivery_error_class")]
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        tenant = apps.get_model("tenancy", "Tenant").objects.create(name="T", slug="t")
        hook = apps.get_model("notifications", "Webhook").objects.create(
            tenant=tenant, name="h", url="https://8.8.8.8/", secret_encrypted="x")
        delivery = apps.get_model("notifications", "WebhookDelivery")
        body = delivery.objects.create(tenant=tenant, webhook=hook, event="e", status_code=500,
                                       error="root:x:0:0 internal body")
        exc = delivery.objects.create(tenant=tenant, webhook=hook, event="e",
                                      error="ConnectionError: http://10.0.0.5:6379 refused")
        ok = delivery.objects.create(tenant=tenant, webhook=hook, event="e", status_code=204)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        apps = executor.loader.project_state(after).apps
        rows = dict(apps.get_model("notifications", "WebhookDelivery").objects
                    .values_list("pk", "error"))
        assert rows == {body.pk: "HTTP 500", exc.pk: "connection error", ok.pk: ""}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

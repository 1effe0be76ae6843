"""Two rollup refreshes of one tenant at once (its sign-in and Exchange ingests finishing
on two workers): the second waits for the first instead of failing on TenantDay's unique
(tenant, day). Found by `make chaos` (beat-twice): the IntegrityError made Celery retry a
finished ingest, a second ingest in the same due period."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, transaction

from readiness.usage.models import TenantDay
from readiness.usage.rollups import usage_rollups_refresh
from tests.factories import DailyUsageFactory, SenderFactory, TenantFactory

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 11, 29)


def test_a_second_refresh_of_the_same_tenant_waits_for_the_first():
    if connection.vendor == "sqlite":  # the test database is in memory: one per thread
        pytest.skip("needs a database two threads share (PostgreSQL)")
    tenant = TenantFactory()
    sender = SenderFactory(tenant=tenant, address="printer@a.example")
    for offset in range(3):
        DailyUsageFactory(sender=sender, day=TODAY - timedelta(days=offset), messages=4)
    first_done, errors = threading.Event(), []

    def second_refresh():
        first_done.wait(10)
        try:
            usage_rollups_refresh(tenant=tenant, today=TODAY)
        except Exception as exc:  # the assertion below reports it
            errors.append(exc)
        finally:
            connection.close()

    second = threading.Thread(target=second_refresh)
    second.start()
    with transaction.atomic():
        usage_rollups_refresh(tenant=tenant, today=TODAY)
        first_done.set()  # the second refresh starts while the first is uncommitted
        second.join(timeout=2)  # it must be waiting (for us), not finished or failed
        assert second.is_alive()
    second.join(timeout=30)
    assert not second.is_alive() and errors == []
    assert TenantDay.objects.filter(tenant=tenant, basic_messages=4).count() == 3

"""The real path: dispatch -> broker -> a real Celery worker process -> msal and HTTPS
to the Microsoft 365 emulator -> the database.

In CI the broker is Redis and the database PostgreSQL (see .ci/run); with no
variables set it is kombu's filesystem transport and a SQLite file.
"""

import pytest
from django.db import connection

from readiness.connectors.services import tenant_onboard
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun
from readiness.ingestion.tasks import dispatch
from readiness.inventory.models import Mailbox
from readiness.usage.models import DailyUsage, SignInEvent
from tests.helpers import database_url, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def onboard(emulator, slug):
    universe = next(t for t in emulator.state.tenants.values() if t.slug == slug)
    return tenant_onboard(slug=slug, name=universe.name, directory_id=universe.tenant_id,
                          client_id=universe.client_id, domain=universe.domain,
                          client_secret=universe.client_secret)


def test_a_dispatched_ingest_lands_in_the_database(worker, emulator):
    tenant = onboard(emulator, "kovar-tisk")
    assert not Mailbox.objects.for_tenant(tenant).exists()

    assert dispatch() == 2  # sign-ins and Exchange, enqueued through the real broker

    def both_sources_ok():
        runs = IngestRun.objects.filter(tenant=tenant, status=RunStatus.OK)
        return set(runs.values_list("source", flat=True)) == {"signins", "exchange"}

    if not wait_for(both_sources_ok):
        worker.terminate()
        pytest.fail("no ingest landed; worker said:\n" + worker.communicate(timeout=20)[0])
    assert Mailbox.objects.for_tenant(tenant).count() == 40
    assert SignInEvent.objects.for_tenant(tenant).exists()
    assert DailyUsage.objects.for_tenant(tenant).filter(source="signins").exists()
    assert connection.vendor == ("postgresql" if "postgres" in database_url() else "sqlite")

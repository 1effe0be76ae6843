"""The real path: dispatch -> broker -> a real Celery worker process -> msal and HTTPS
to the Microsoft 365 emulator -> the database.

In CI the broker is Redis and the database PostgreSQL (see .ci/run); with no
variables set it is kombu's filesystem transport and a SQLite file.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from readiness.celery import app as celery_app
from readiness.connectors.services import tenant_onboard
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun
from readiness.ingestion.tasks import dispatch
from readiness.inventory.models import Mailbox
from reports.usage.models import DailyUsage, SignInEvent

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_queue():
    """A queue of this test's own, so a worker of another run never steals its tasks."""
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield queue
    celery_app.conf.task_default_queue = previous


@pytest.fixture
def worker(worker_queue, emulator):
    base = emulator.base_url
    env = {**os.environ, "DATABASE_URL": database_url(), "READINESS_DATA_DIR": str(
        settings.DATA_DIR), "PYTHONUNBUFFERED": "1", "M365_LOGIN_URL": base,
        "M365_GRAPH_URL": f"{base}/graph", "M365_EXCHANGE_URL": f"{base}/exchange",
        "REQUESTS_CA_BUNDLE": str(emulator.ca)}
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    celery = str(Path(sys.executable).with_name("celery"))
    proc = subprocess.Popen(
        [celery, "-A", "readiness", "worker", "--pool=solo", "-Q", worker_queue,
         "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_for(predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


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

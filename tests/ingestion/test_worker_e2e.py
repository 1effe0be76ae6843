"""The real path: dispatch -> broker -> a real Celery worker process -> the database.

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
from readiness.demo.services import demo_seed
from readiness.ingestion.choices import RunStatus
from readiness.ingestion.models import IngestRun
from readiness.ingestion.tasks import dispatch
from reports.usage.models import DailyUsage

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
def worker(worker_queue):
    env = {**os.environ, "DATABASE_URL": database_url(), "READINESS_DATA_DIR": str(
        settings.DATA_DIR), "PYTHONUNBUFFERED": "1"}
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


def test_a_dispatched_ingest_lands_in_the_database(worker):
    tenant = demo_seed(tenants=1, mailboxes=5, days=3, with_usage=False)[0]
    assert not DailyUsage.objects.filter(tenant=tenant).exists()

    assert dispatch() >= 1  # enqueues through the real broker

    landed = wait_for(lambda: IngestRun.objects.filter(
        tenant=tenant, status=RunStatus.OK).exists())
    if not landed:
        worker.terminate()
        pytest.fail("no ingest landed; worker said:\n" + worker.communicate(timeout=20)[0])
    assert DailyUsage.objects.filter(tenant=tenant).exists()
    assert connection.vendor == ("postgresql" if "postgres" in database_url() else "sqlite")

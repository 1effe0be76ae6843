"""Shared fixtures. Personas (as in the access-control matrix):

- msp_admin: sees every tenant;
- alice: manager of tenant A; hana: helpdesk of A; victor: viewer of A;
- bob: manager of tenant B; charlie: a user with no membership.
"""

from __future__ import annotations

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
from readiness.connectors.emulator.ca import ca_ensure
from readiness.connectors.emulator.server import EmulatorServer, emulator_state_build
from tests.factories import MembershipFactory, TenantFactory, UserFactory

# With DEBUG off the settings assume HTTPS (docs/security.md, "Production defaults").
# The test client and the servers the tests start speak plain HTTP, so the suite runs
# as a lab does, with the documented opt-out: in this process (settings are already
# loaded) and in every process it starts. tests/security/test_deploy.py runs without.
os.environ["INSECURE_HTTP"] = "1"
settings.SECURE_SSL_REDIRECT = False
settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
settings.SECURE_HSTS_SECONDS = 0


@pytest.fixture
def tenant_a(db):
    return TenantFactory(slug="tenant-a", name="Tenant A", primary_domain="a.example")


@pytest.fixture
def tenant_b(db):
    return TenantFactory(slug="tenant-b", name="Tenant B", primary_domain="b.example")


@pytest.fixture
def msp_admin(db):
    return UserFactory(username="msp", is_superuser=True, is_staff=True)


def _member(username, tenant, role):
    user = UserFactory(username=username)
    MembershipFactory(user=user, tenant=tenant, role=role)
    return user


@pytest.fixture
def alice(tenant_a):
    return _member("alice", tenant_a, "manager")


@pytest.fixture
def hana(tenant_a):
    return _member("hana", tenant_a, "helpdesk")


@pytest.fixture
def victor(tenant_a):
    return _member("victor", tenant_a, "viewer")


@pytest.fixture
def bob(tenant_b):
    return _member("bob", tenant_b, "manager")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie")


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user (None = anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


# Five tenants so the universe includes contoso-retail (no Entra ID P1) and adatum
# (no Exchange directory role, security defaults on).
UNIVERSE = {"seed": 42, "tenants": 5, "mailboxes": 40, "days": 90}


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """The local Microsoft 365 emulator, for real: HTTPS on a free port with its own CA."""
    ca, cert, key = ca_ensure(tmp_path_factory.mktemp("emulator"))
    state = emulator_state_build(**UNIVERSE)
    server = EmulatorServer(state, certfile=cert, keyfile=key, port=0).start()
    server.ca = ca
    yield server
    server.stop()


# --- A real Celery worker process, for the end-to-end tests -------------------------

ROOT = Path(__file__).resolve().parent.parent


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

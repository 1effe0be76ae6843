"""Shared fixtures. Personas (as in the access-control matrix):

- msp_admin: sees every tenant;
- alice: manager of tenant A; hana: helpdesk of A; victor: viewer of A;
- bob: manager of tenant B; charlie: a user with no membership.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from readiness.celery import app as celery_app
from readiness.connectors import ratelimit, tokens
from readiness.connectors.services import tenant_onboard
from readiness.demo.emulator.ca import ca_ensure
from readiness.demo.emulator.faults import Faults
from readiness.demo.emulator.server import EmulatorServer, emulator_state_build
from readiness.demo.emulator.state import ALL_ROLES
from tests.factories import MembershipFactory, TenantFactory, UserFactory
from tests.helpers import database_url

# With DEBUG off the settings assume HTTPS (docs/security.md, "Production defaults").
# The test client and the servers the tests start speak plain HTTP, so the suite runs
# as a lab does, with the documented opt-out: in this process (settings are already
# loaded) and in every process it starts. tests/security/test_deploy.py runs without.
os.environ["INSECURE_HTTP"] = "1"
settings.SECURE_SSL_REDIRECT = False
settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
settings.SECURE_HSTS_SECONDS = 0


def _compile_catalogues() -> None:
    """The Czech pages need compiled catalogues; .mo files are build output, not in git
    (scripts/compile_catalogues.py says why), so the suite compiles stale ones first."""
    import importlib.util

    script = Path(settings.BASE_DIR) / "scripts" / "compile_catalogues.py"
    spec = importlib.util.spec_from_file_location("compile_catalogues", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.catalogues_compile(Path(settings.LOCALE_PATHS[0]))


_compile_catalogues()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language. Django's LocaleMiddleware
    activates the request's language (the cookie the switch sets) for the thread and
    never resets it: harmless in a server, where each request activates its own, but in
    the test process it would leak a Czech request into the next test's code."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


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


@pytest.fixture
def m365(emulator, settings, monkeypatch):
    """Point the product at the emulator and give every test a clean emulator."""
    base = emulator.base_url
    settings.M365_LOGIN_URL, settings.M365_GRAPH_URL = base, f"{base}/graph"
    settings.M365_EXCHANGE_URL, settings.M365_CA_BUNDLE = f"{base}/exchange", str(emulator.ca)
    settings.REDIS_URL = ""
    state = emulator.state
    state.faults, state.graph_page_size, state.exchange_page_size = Faults(), 1000, 1000
    for app in state.apps.values():
        app.roles, app.consented, app.certificates = set(ALL_ROLES), True, []
    state.requests.clear()
    state.token_tid.clear()
    state.grants.clear()
    monkeypatch.setattr(ratelimit, "_local", ratelimit.LocalLimiter())
    tokens.apps_forget()
    yield emulator
    tokens.apps_forget()


@pytest.fixture
def demo(m365, db):
    """demo(slug) -> (universe tenant, onboarded Tenant) for one of the emulator's tenants."""
    by_slug = {t.slug: t for t in m365.state.tenants.values()}

    def onboard(slug: str, **overrides):
        universe = by_slug[slug]
        fields = {"slug": slug, "name": universe.name, "directory_id": universe.tenant_id,
                  "client_id": universe.client_id, "domain": universe.domain,
                  "client_secret": universe.client_secret, **overrides}
        return universe, tenant_onboard(**fields)

    return onboard


# --- A real Celery worker process, for the end-to-end tests -------------------------

ROOT = Path(__file__).resolve().parent.parent


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



"""Shared fixtures. Personas (as in the access-control matrix):

- msp_admin: sees every tenant;
- alice: manager of tenant A; hana: helpdesk of A; victor: viewer of A;
- bob: manager of tenant B; charlie: a user with no membership.
"""

from __future__ import annotations

import pytest

from readiness.connectors.emulator.ca import ca_ensure
from readiness.connectors.emulator.server import EmulatorServer, emulator_state_build
from tests.factories import MembershipFactory, TenantFactory, UserFactory


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

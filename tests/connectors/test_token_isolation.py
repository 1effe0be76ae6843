"""Issue 10, finding 1: a token is only ever used by the connection that obtained it,
with the credential it was obtained with, and only when its tid is the connection's
directory. Two tenants in one process, against the real emulator."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from readiness.connectors import tokens
from readiness.connectors.errors import Kind, TokenError
from readiness.connectors.models import TenantConnection
from readiness.connectors.services import connection_save
from readiness.ingestion.services import ingest_run
from readiness.inventory.models import Mailbox
from readiness.senders.models import Sender
from readiness.usage.models import DailyUsage, SignInEvent
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def _data_of(tenant) -> dict:
    return {"mailboxes": Mailbox.objects.for_tenant(tenant).count(),
            "senders": Sender.objects.for_tenant(tenant).count(),
            "usage": DailyUsage.objects.for_tenant(tenant).count(),
            "signins": SignInEvent.objects.for_tenant(tenant).count()}


def _hostile_claims(tenant, universe, secret="not-kovars-secret"):
    return connection_save(tenant=tenant, directory_id=universe.tenant_id,
                           client_id=universe.client_id, client_secret=secret)


@pytest.fixture
def kovar_ingested(demo):
    """Tenant A (kovar-tisk) ingests with the right secret: its tokens are cached here."""
    universe, kovar = demo("kovar-tisk")
    for source in ("exchange", "signins"):
        assert ingest_run(tenant=kovar, source=source, triggered_by="cli").status == "ok"
    assert _data_of(kovar)["mailboxes"] > 0
    return universe, kovar


def test_a_wrong_secret_never_gets_the_token_another_tenant_cached(kovar_ingested):
    universe, kovar = kovar_ingested
    before = _data_of(kovar)
    # A disconnects (the directory is free again) and B names A's directory and
    # client id with a wrong secret, in the same process as A's cached token.
    TenantConnection.objects.filter(tenant=kovar).delete()
    mallory = TenantFactory(slug="mallory", name="Mallory")
    _hostile_claims(mallory, universe)
    for source in ("exchange", "signins"):
        run = ingest_run(tenant=mallory, source=source, triggered_by="cli")
        assert run.status == "failed" and "client secret is wrong" in run.error
    assert _data_of(mallory) == {"mailboxes": 0, "senders": 0, "usage": 0, "signins": 0}
    assert _data_of(kovar) == before


def test_ingest_all_never_lends_one_tenants_token_to_another(demo):
    universe, kovar = demo("kovar-tisk")
    call_command("ingest", "--all")  # A's tokens are now cached in this process
    TenantConnection.objects.filter(tenant=kovar).delete()
    mallory = TenantFactory(slug="mallory", name="Mallory")
    _hostile_claims(mallory, universe)
    with pytest.raises(CommandError, match="mallory/exchange") as caught:
        call_command("ingest", "--all")
    assert caught.value.returncode == 1
    assert _data_of(mallory) == {"mailboxes": 0, "senders": 0, "usage": 0, "signins": 0}


def test_a_changed_credential_does_not_reuse_the_old_token(kovar_ingested):
    universe, kovar = kovar_ingested
    connection_save(tenant=kovar, directory_id=universe.tenant_id,
                    client_id=universe.client_id, client_secret="rotated-but-wrong")
    with pytest.raises(TokenError, match="client secret is wrong") as caught:
        tokens.token_acquire(connection=TenantConnection.objects.get(tenant=kovar),
                             resource="exchange")
    assert caught.value.kind == Kind.CREDENTIALS


def test_each_connection_has_its_own_token_cache(demo):
    _, kovar = demo("kovar-tisk")
    _, northwind = demo("northwind")
    tokens.token_acquire(connection=kovar.connection, resource="graph")
    tokens.token_acquire(connection=northwind.connection, resource="graph")
    caches = [app.token_cache for app in tokens._APPS.values()]
    assert len(caches) == 2 and caches[0] is not caches[1]


def test_a_second_tenant_cannot_name_a_connected_directory(demo, client_for, bob, tenant_b):
    universe, _ = demo("kovar-tisk")
    with pytest.raises(ValidationError, match="already connected to another tenant"):
        _hostile_claims(tenant_b, universe)
    # Upper case is the same directory.
    with pytest.raises(ValidationError, match="already connected"):
        connection_save(tenant=tenant_b, directory_id=universe.tenant_id.upper(),
                        client_id=universe.client_id, client_secret="x")
    page = client_for(bob).post(f"/tenants/{tenant_b.slug}/connection/", {
        "action": "save", "directory_id": universe.tenant_id, "client_id": universe.client_id,
        "cloud": "global", "client_secret": "x"})
    assert page.status_code == 400
    assert "already connected to another tenant" in page.content.decode()
    assert "Kovář" not in page.content.decode()  # the holder is not named
    assert not TenantConnection.objects.filter(tenant=tenant_b).exclude(directory_id="").exists()


def test_the_command_line_refuses_a_connected_directory(demo):
    universe, _ = demo("kovar-tisk")
    import io
    with pytest.raises(CommandError, match="already connected to another tenant"):
        call_command("tenants", "add", "--slug", "mallory", "--name", "Mallory",
                     "--tenant-id", universe.tenant_id, "--client-id", universe.client_id,
                     "--client-secret-stdin", stdin=io.StringIO("wrong"))


def test_the_database_refuses_a_duplicate_directory_too(demo, tenant_b):
    universe, _ = demo("kovar-tisk")
    with pytest.raises(IntegrityError), transaction.atomic():
        TenantConnection.objects.create(tenant=tenant_b, directory_id=universe.tenant_id.upper(),
                                        client_id=universe.client_id)


@pytest.mark.parametrize("issued_tid", [str(uuid.uuid4()), None])
def test_a_token_for_another_directory_is_refused(demo, m365, issued_tid):
    universe, kovar = demo("kovar-tisk")
    m365.state.token_tid[universe.tenant_id.lower()] = issued_tid
    with pytest.raises(TokenError) as caught:
        tokens.token_acquire(connection=kovar.connection, resource="exchange")
    assert caught.value.kind == Kind.TENANT_MISMATCH
    assert (issued_tid or "without a directory") in str(caught.value)
    run = ingest_run(tenant=kovar, source="exchange", triggered_by="cli")
    assert run.status == "failed" and Mailbox.objects.for_tenant(kovar).count() == 0
    kovar.connection.refresh_from_db()
    assert kovar.connection.health == "error"
    # Once the login service issues the right tid again, the refused token is not
    # served from any cache: a fresh one is used.
    m365.state.token_tid.clear()
    assert tokens.token_claims(tokens.token_acquire(
        connection=kovar.connection, resource="exchange"))["tid"] == universe.tenant_id

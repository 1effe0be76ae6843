"""Sign in with Microsoft, end to end over HTTPS against the in-test OIDC stand-in."""

from __future__ import annotations

import uuid

import pytest
import requests
from django.test import Client

from readiness.tenancy.models import AuditEvent, ExternalIdentity, UserSecurity
from tests.factories import UserFactory
from tests.tenancy.oidc_standin import Provider, serve

TID = str(uuid.uuid4())
OID = str(uuid.uuid4())


@pytest.fixture
def provider(settings, tmp_path):
    provider = Provider(client_id="app-id", client_secret="app-secret", tid=TID)
    provider.user = {"oid": OID, "email": "Lena@Example.test", "name": "Lena"}
    server, ca = serve(provider, tmp_path)
    settings.M365_LOGIN_URL = provider.base
    settings.M365_CA_BUNDLE = str(ca)
    settings.READINESS_ENTRA_CLIENT_ID = "app-id"
    settings.READINESS_ENTRA_CLIENT_SECRET = "app-secret"
    settings.READINESS_ENTRA_TENANT = "organizations"
    settings.READINESS_ENTRA_ALLOWED_TENANTS = []
    settings.READINESS_ENTRA_LINK_BY_EMAIL = False
    provider.ca = str(ca)
    yield provider
    server.shutdown()


@pytest.fixture
def lena(db):
    return UserFactory(username="lena", email="lena@example.test")


def sign_in(provider, client=None, tamper=None):
    """Browser round trip: our start URL -> authorize -> our callback."""
    client = client or Client()
    start = client.get("/accounts/microsoft/login/?next=/tenants/")
    assert start.status_code == 302 and start["Location"].startswith(provider.base)
    if tamper:
        session = client.session
        tamper(session["entra_flow"])
        session.save()
    authorize = requests.get(start["Location"], verify=provider.ca, allow_redirects=False,
                             timeout=10)
    assert authorize.status_code == 302, authorize.text
    callback = authorize.headers["Location"].replace("http://testserver", "")
    return client, client.get(callback)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_button_shows_only_when_configured(provider, settings, db):
    assert "Sign in with Microsoft" in Client().get("/accounts/login/").content.decode()
    settings.READINESS_ENTRA_CLIENT_SECRET = ""
    assert "Sign in with Microsoft" not in Client().get("/accounts/login/").content.decode()
    assert Client().get("/accounts/microsoft/login/").status_code == 404


def test_a_linked_identity_signs_in_with_pkce(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=f"{TID}:{OID}")
    client, response = sign_in(provider)
    assert response.status_code == 302 and response["Location"] == "/tenants/"
    assert signed_in_as(client) == str(lena.pk)
    token_request = provider.token_requests[-1]
    assert len(token_request["code_verifier"]) >= 43
    assert ExternalIdentity.objects.get().last_login_at is not None


def test_an_unlinked_account_is_refused_by_default(provider, lena):
    client, response = sign_in(provider)
    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    assert not ExternalIdentity.objects.exists()


def test_linking_by_email_needs_a_pinned_directory_and_permission(provider, lena, settings):
    UserSecurity.objects.create(user=lena, entra_link_by_email=True)
    client, _ = sign_in(provider)
    assert signed_in_as(client) is None  # any directory could claim that address
    settings.READINESS_ENTRA_ALLOWED_TENANTS = [TID]
    client, _ = sign_in(provider)
    assert signed_in_as(client) == str(lena.pk)
    assert ExternalIdentity.objects.get().subject == f"{TID}:{OID}"
    assert not UserSecurity.objects.get(user=lena).entra_link_by_email  # one use only
    assert AuditEvent.objects.get().action == "identity.linked"


def test_the_setting_allows_linking_by_email_for_everyone(provider, lena, settings):
    settings.READINESS_ENTRA_TENANT = TID
    settings.READINESS_ENTRA_LINK_BY_EMAIL = True
    client, _ = sign_in(provider)
    assert signed_in_as(client) == str(lena.pk)


def test_another_directory_is_refused_when_directories_are_pinned(provider, lena, settings):
    ExternalIdentity.objects.create(user=lena, subject=f"{TID}:{OID}")
    settings.READINESS_ENTRA_ALLOWED_TENANTS = [str(uuid.uuid4())]
    client, _ = sign_in(provider)
    assert signed_in_as(client) is None


def test_a_wrong_pkce_verifier_is_refused_by_the_token_endpoint(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=f"{TID}:{OID}")

    def swap_verifier(flow):
        flow["code_verifier"] = "x" * 43

    client, response = sign_in(provider, tamper=swap_verifier)
    assert signed_in_as(client) is None
    assert response["Location"] == "/accounts/login/"


def test_a_callback_from_another_browser_is_refused(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=f"{TID}:{OID}")
    victim = Client()
    start = Client().get("/accounts/microsoft/login/")  # the attacker's own flow
    authorize = requests.get(start["Location"], verify=provider.ca, allow_redirects=False,
                             timeout=10)
    victim.get("/accounts/microsoft/login/")
    victim.get(authorize.headers["Location"].replace("http://testserver", ""))
    assert signed_in_as(victim) is None


def test_a_disabled_user_cannot_sign_in(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=f"{TID}:{OID}")
    lena.is_active = False
    lena.save()
    client, _ = sign_in(provider)
    assert signed_in_as(client) is None


def test_open_redirects_are_dropped(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=f"{TID}:{OID}")
    client = Client()
    start = client.get("/accounts/microsoft/login/?next=https://evil.example/")
    authorize = requests.get(start["Location"], verify=provider.ca, allow_redirects=False,
                             timeout=10)
    response = client.get(authorize.headers["Location"].replace("http://testserver", ""))
    assert response["Location"] == "/"

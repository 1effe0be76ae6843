"""Sign in with Microsoft, end to end over HTTPS against the shared M365 emulator
(readiness/demo/emulator/login.py: authorize, auth-code + PKCE, ID token)."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client

from readiness.demo.emulator.state import SIGNIN_CLIENT_ID, SIGNIN_CLIENT_SECRET
from readiness.tenancy.models import AuditEvent, ExternalIdentity, UserSecurity
from tests.factories import UserFactory


@pytest.fixture
def provider(settings, emulator):
    """The emulator as the identity provider. With the multi-tenant "organizations"
    authority and no login hint it signs in its first tenant's first user."""
    settings.M365_LOGIN_URL = emulator.base_url
    settings.M365_CA_BUNDLE = str(emulator.ca)
    settings.READINESS_ENTRA_CLIENT_ID = SIGNIN_CLIENT_ID
    settings.READINESS_ENTRA_CLIENT_SECRET = SIGNIN_CLIENT_SECRET
    settings.READINESS_ENTRA_TENANT = "organizations"
    settings.READINESS_ENTRA_ALLOWED_TENANTS = []
    settings.READINESS_ENTRA_LINK_BY_EMAIL = False
    tenant = next(iter(emulator.state.tenants.values()))
    user = next(m for m in tenant.mailboxes if m.recipient_type == "UserMailbox")
    emulator.base, emulator.tid, emulator.user = emulator.base_url, tenant.tenant_id, user
    return emulator


@pytest.fixture
def lena(db, provider):
    return UserFactory(username="lena", email=provider.user.address.upper())


def subject(provider) -> str:
    return f"{provider.tid}:{provider.user.object_id}"


def sign_in(provider, client=None, tamper=None):
    """Browser round trip: our start URL -> authorize -> our callback."""
    client = client or Client()
    start = client.get("/accounts/microsoft/login/?next=/tenants/")
    assert start.status_code == 302 and start["Location"].startswith(provider.base)
    if tamper:
        session = client.session
        tamper(session["entra_flow"])
        session.save()
    authorize = requests.get(start["Location"], verify=str(provider.ca), allow_redirects=False,
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
    ExternalIdentity.objects.create(user=lena, subject=subject(provider))
    client = Client()
    start = client.get("/accounts/microsoft/login/?next=/tenants/")
    query = parse_qs(urlparse(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(client.session["entra_flow"]["code_verifier"]) >= 43
    client, response = sign_in(provider, client)
    assert response.status_code == 302 and response["Location"] == "/tenants/"
    assert signed_in_as(client) == str(lena.pk)
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
    settings.READINESS_ENTRA_ALLOWED_TENANTS = [provider.tid]
    client, _ = sign_in(provider)
    assert signed_in_as(client) == str(lena.pk)
    assert ExternalIdentity.objects.get().subject == subject(provider)
    assert not UserSecurity.objects.get(user=lena).entra_link_by_email  # one use only
    assert AuditEvent.objects.get().action == "identity.linked"


def test_the_setting_allows_linking_by_email_for_everyone(provider, lena, settings):
    settings.READINESS_ENTRA_TENANT = provider.tid
    settings.READINESS_ENTRA_LINK_BY_EMAIL = True
    client, _ = sign_in(provider)
    assert signed_in_as(client) == str(lena.pk)


def test_another_directory_is_refused_when_directories_are_pinned(provider, lena, settings):
    ExternalIdentity.objects.create(user=lena, subject=subject(provider))
    settings.READINESS_ENTRA_ALLOWED_TENANTS = [str(uuid.uuid4())]
    client, _ = sign_in(provider)
    assert signed_in_as(client) is None


def test_a_wrong_pkce_verifier_is_refused_by_the_token_endpoint(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=subject(provider))

    def swap_verifier(flow):
        flow["code_verifier"] = "x" * 43

    client, response = sign_in(provider, tamper=swap_verifier)
    assert signed_in_as(client) is None
    assert response["Location"] == "/accounts/login/"


def test_a_callback_from_another_browser_is_refused(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=subject(provider))
    victim = Client()
    start = Client().get("/accounts/microsoft/login/")  # the attacker's own flow
    authorize = requests.get(start["Location"], verify=str(provider.ca), allow_redirects=False,
                             timeout=10)
    victim.get("/accounts/microsoft/login/")
    victim.get(authorize.headers["Location"].replace("http://testserver", ""))
    assert signed_in_as(victim) is None


def test_a_disabled_user_cannot_sign_in(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=subject(provider))
    lena.is_active = False
    lena.save()
    client, _ = sign_in(provider)
    assert signed_in_as(client) is None


def test_open_redirects_are_dropped(provider, lena):
    ExternalIdentity.objects.create(user=lena, subject=subject(provider))
    client = Client()
    start = client.get("/accounts/microsoft/login/?next=https://evil.example/")
    authorize = requests.get(start["Location"], verify=str(provider.ca), allow_redirects=False,
                             timeout=10)
    response = client.get(authorize.headers["Location"].replace("http://testserver", ""))
    assert response["Location"] == "/"


def test_sign_in_trusts_the_configured_ca_even_with_requests_ca_bundle_set(provider, lena,
                                                                            monkeypatch):
    """Entra uses the connectors' session (transport.session_new), whose CA pin wins."""
    import certifi

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())  # a bundle without our CA
    ExternalIdentity.objects.create(user=lena, subject=subject(provider))
    client, _ = sign_in(provider)
    assert signed_in_as(client) == str(lena.pk)

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from readiness.connectors import tokens
from readiness.connectors.choices import Cloud
from readiness.connectors.endpoints import admin_consent_url, endpoints_for
from readiness.connectors.errors import Kind, TokenError
from readiness.connectors.models import TenantConnection
from readiness.connectors.services import connection_save


def _self_signed() -> tuple[str, str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "readiness-test")])
    now = dt.datetime.now(tz=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return key_pem, cert_pem, cert.fingerprint(hashes.SHA1()).hex().upper()


def test_it_gets_tokens_for_graph_and_exchange_through_msal(demo):
    _, tenant = demo("kovar-tisk")
    connection = tenant.connection
    graph = tokens.token_acquire(connection=connection, resource="graph")
    exchange = tokens.token_acquire(connection=connection, resource="exchange")
    assert graph != exchange
    connection.refresh_from_db()
    assert connection.last_token_at is not None


def test_it_reuses_one_app_and_one_cache_per_connection(demo, m365):
    _, kovar = demo("kovar-tisk")
    _, northwind = demo("northwind")
    tokens.token_acquire(connection=kovar.connection, resource="graph")
    tokens.token_acquire(connection=kovar.connection, resource="graph")
    tokens.token_acquire(connection=northwind.connection, resource="graph")
    token_requests = [p for m, p in m365.state.requests if p.endswith("/token")]
    assert len(token_requests) == 2  # the second kovar token came from the cache
    apps = list(tokens._APPS.values())
    assert len(apps) == 2 and apps[0].token_cache is not apps[1].token_cache


def test_it_explains_a_wrong_secret(demo):
    _, tenant = demo("kovar-tisk", client_secret="not-the-secret")
    with pytest.raises(TokenError, match="client secret is wrong") as caught:
        tokens.token_acquire(connection=tenant.connection, resource="graph")
    assert caught.value.kind == Kind.CREDENTIALS
    tenant.connection.refresh_from_db()
    assert "AADSTS7000215" in tenant.connection.last_error


def test_it_explains_an_unknown_tenant(demo):
    _, tenant = demo("kovar-tisk", directory_id="00000000-0000-4000-8000-000000000000")
    with pytest.raises(TokenError, match="AADSTS90002") as caught:
        tokens.token_acquire(connection=tenant.connection, resource="graph")
    assert caught.value.kind == Kind.NOT_FOUND


def test_it_explains_an_app_that_is_not_in_the_tenant(demo):
    _, tenant = demo("kovar-tisk", client_id="11111111-1111-4111-8111-111111111111")
    with pytest.raises(TokenError, match="AADSTS700016") as caught:
        tokens.token_acquire(connection=tenant.connection, resource="exchange")
    assert caught.value.kind == Kind.CONSENT


def test_it_explains_missing_consent(demo, m365):
    universe, tenant = demo("kovar-tisk")
    m365.state.apps[universe.client_id].consented = False
    with pytest.raises(TokenError, match="Admin consent is missing"):
        tokens.token_acquire(connection=tenant.connection, resource="graph")


@pytest.mark.parametrize(("code", "text"), [
    (7000222, "has expired"), (65001, "Admin consent"), (90002, "was not found"),
])
def test_it_maps_msal_error_dicts_to_actionable_messages(code, text):
    connection = TenantConnection(directory_id="d", client_id="c")
    error = tokens.token_error_from({"error": "invalid_client", "error_codes": [code],
                                     "error_description": f"AADSTS{code}: x"}, connection)
    assert text in str(error)


def test_it_keeps_the_first_line_of_an_unknown_error():
    error = tokens.token_error_from({"error": "invalid_request",
                                     "error_description": "AADSTS1: odd\r\nTrace ID: x"},
                                    TenantConnection())
    assert str(error) == "Token request failed: invalid_request: AADSTS1: odd"


def test_it_signs_in_with_a_registered_certificate(demo, m365):
    key_pem, cert_pem, _ = _self_signed()
    universe, tenant = demo("kovar-tisk", client_secret="",
                            certificate_key=key_pem, certificate=cert_pem)
    m365.state.register_certificate(universe.client_id, cert_pem)
    assert tokens.token_acquire(connection=tenant.connection, resource="graph")


def test_it_refuses_a_certificate_the_app_does_not_know(demo, m365):
    key_pem, _, thumbprint = _self_signed()
    _, registered, _ = _self_signed()
    universe, tenant = demo("kovar-tisk", client_secret="", certificate_key=key_pem,
                            thumbprint=thumbprint)
    m365.state.register_certificate(universe.client_id, registered)
    with pytest.raises(TokenError, match="certificate is not registered"):
        tokens.token_acquire(connection=tenant.connection, resource="graph")


def test_it_refuses_to_ask_for_a_token_without_a_credential(tenant_a):
    connection = TenantConnection.objects.create(tenant=tenant_a, directory_id="x")
    with pytest.raises(TokenError, match="not configured"):
        tokens.token_acquire(connection=connection, resource="graph")


def test_it_never_stores_the_secret_in_clear(tenant_a):
    connection = connection_save(tenant=tenant_a, client_secret="s3cr3t-value",
                                 directory_id="7f3e2d1c-0000-4000-8000-00000000c0de",
                                 client_id="6d0b6f4a-0000-4000-8000-000000000001")
    stored = TenantConnection.objects.filter(pk=connection.pk).values().get()
    assert "s3cr3t-value" not in repr(stored)
    assert tokens.credential_of(connection) == "s3cr3t-value"


def test_it_uses_us_government_hosts_unless_settings_point_elsewhere(settings):
    settings.M365_LOGIN_URL = "https://login.microsoftonline.com"
    settings.M365_GRAPH_URL = "https://graph.microsoft.com"
    settings.M365_EXCHANGE_URL = "https://outlook.office365.com"
    usgov = endpoints_for(cloud=Cloud.USGOV)
    assert (usgov.login, usgov.graph, usgov.exchange) == (
        "https://login.microsoftonline.us", "https://graph.microsoft.us",
        "https://outlook.office365.us")
    assert usgov.login_is_microsoft
    settings.M365_GRAPH_URL = "https://127.0.0.1:8443/graph"
    assert endpoints_for(cloud=Cloud.USGOV).graph == "https://127.0.0.1:8443/graph"


def test_it_builds_the_admin_consent_url(settings):
    settings.M365_LOGIN_URL = "https://login.microsoftonline.com"
    assert admin_consent_url(cloud="global", directory_id="d-1", client_id="c-1") == (
        "https://login.microsoftonline.com/d-1/adminconsent?client_id=c-1")

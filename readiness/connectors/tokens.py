"""App-only tokens with msal: one ConfidentialClientApplication, with its OWN token
cache, per (connection, credential fingerprint, authority, client).

Why not one shared cache: msal looks a cached token up by authority and client id
only, never by the credential. With a shared cache, any connection naming another
tenant's directory and client id got that tenant's token whatever secret it held.
So a token is only ever reused by the connection that obtained it, with the very
credential it was obtained with, and every token's `tid` claim must name the
connection's directory before it is used."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from datetime import timedelta

import msal
import requests
from django.utils import timezone
from msal.exceptions import MsalServiceError

from readiness.connectors import transport
from readiness.connectors.endpoints import endpoints_for
from readiness.connectors.errors import Kind, TokenError, TransientError
from readiness.connectors.faultlog import fault_record
from readiness.connectors.models import MspApp, TenantConnection
from readiness.core import crypto
from readiness.core.http import ca_bundle, session_new

# (connection pk, credential fingerprint, authority, client id, CA bundle) -> app; each
# app owns its token cache, so nothing one connection obtained is visible to another.
_APPS: dict[tuple, msal.ConfidentialClientApplication] = {}
_LOCK = threading.Lock()

# The login service's "try again": AADSTS90033 temporarily_unavailable, server_error, and
# the AADSTS codes Microsoft documents as transient.
TRANSIENT_ERRORS = frozenset({"temporarily_unavailable", "server_error"})
TRANSIENT_CODES = frozenset({90033, 90006})

# AADSTS code -> (kind, what the operator should do). {directory}/{client} are filled in.
AADSTS_MESSAGES: dict[int, tuple[str, str]] = {
    7000215: (Kind.CREDENTIALS, "The client secret is wrong (AADSTS7000215). Create a new "
              "secret on the app registration and enter its value (not its ID) again."),
    7000222: (Kind.CREDENTIALS, "The client secret has expired (AADSTS7000222). Create a new "
              "secret on the app registration and enter it here."),
    700016: (Kind.CONSENT, "Application {client} was not found in directory {directory} "
             "(AADSTS700016): check the client ID, and have an administrator of that tenant "
             "grant admin consent with the admin-consent link."),
    65001: (Kind.CONSENT, "Admin consent is missing (AADSTS65001): an administrator of the "
            "tenant must grant consent with the admin-consent link."),
    90002: (Kind.NOT_FOUND, "Tenant {directory} was not found (AADSTS90002): check the "
            "directory (tenant) ID and the cloud."),
    700027: (Kind.CREDENTIALS, "The certificate is not registered on the app (AADSTS700027): "
             "upload the certificate to the app registration or check the thumbprint."),
    7000112: (Kind.CONSENT, "The application is disabled in this tenant (AADSTS7000112)."),
}


def credential_holder(connection: TenantConnection) -> TenantConnection | MspApp:
    """Where the client id and credential come from: the connection's own registration,
    or the MSP's shared app. Only these two differ; the authority (the customer's
    directory), the cache (this connection's own) and the tid check stay the same."""
    return MspApp.current() if connection.uses_shared_app else connection


def credential_of(connection: TenantConnection) -> str | dict:
    holder = credential_holder(connection)
    if holder.credential_kind == "secret":
        return crypto.decrypt(holder.client_secret_encrypted)
    if holder.credential_kind == "certificate":
        key = crypto.decrypt(holder.certificate_key_encrypted)
        if holder.certificate_pem:
            return {"private_key": key, "public_certificate": holder.certificate_pem}
        return {"private_key": key, "thumbprint": holder.certificate_thumbprint}
    if connection.uses_shared_app:
        raise TokenError("The MSP's shared app has no credential yet: store it under "
                         "Settings → MSP app or with `manage.py msp_app`.",
                         kind=Kind.NOT_CONFIGURED)
    raise TokenError("No credential is stored for this tenant: enter a client secret or "
                     "a certificate on the connection page.", kind=Kind.NOT_CONFIGURED)


def credential_fingerprint(credential: str | dict) -> str:
    material = repr(sorted(credential.items()) if isinstance(credential, dict) else credential)
    return hashlib.sha256(material.encode()).hexdigest()


def _app_for(connection: TenantConnection) -> msal.ConfidentialClientApplication:
    """This connection's app for its current credential; a changed credential, directory,
    client, cloud or CA makes a new app with an empty cache (and drops the old one)."""
    endpoints = endpoints_for(cloud=connection.cloud)
    authority = f"{endpoints.login}/{connection.directory_id}"
    credential = credential_of(connection)
    key = (connection.pk, credential_fingerprint(credential), authority,
           connection.effective_client_id, str(ca_bundle()))
    if connection.pk is None:  # an unsaved connection never shares anything
        return _app_build(connection, authority, credential, endpoints)
    with _LOCK:
        if key not in _APPS:
            for stale in [k for k in _APPS if k[0] == connection.pk]:
                del _APPS[stale]  # the old credential's tokens go with its app
            _APPS[key] = _app_build(connection, authority, credential, endpoints)
        return _APPS[key]


def _app_build(connection, authority, credential, endpoints):
    try:
        return msal.ConfidentialClientApplication(
            connection.effective_client_id, client_credential=credential, authority=authority,
            token_cache=msal.TokenCache(), http_client=session_new(),
            instance_discovery=None if endpoints.login_is_microsoft else False,
        )
    except ValueError as exc:
        # msal reads the tenant's OpenID configuration while constructing the app; an
        # unknown tenant fails right here, before any token request.
        if "authority" in str(exc).lower() or "discovery" in str(exc).lower():
            raise _error(90002, connection) from exc
        raise TokenError(f"The credential could not be used: {exc}",
                         kind=Kind.CREDENTIALS) from exc
    except requests.RequestException as exc:
        raise TransientError(f"The login service at {endpoints.login} is unreachable: "
                             f"{exc}") from exc


def token_acquire(*, connection: TenantConnection, resource: str,
                  retry: transport.RetryPolicy = transport.DEFAULT_RETRY) -> str:
    """An access token for `resource` ("graph" or "exchange"); records success/failure."""
    if not connection.is_configured:
        if connection.uses_shared_app and connection.directory_id:
            raise TokenError("The customer has not granted admin consent to the MSP's app "
                             "yet: send them the consent link.", kind=Kind.CONSENT)
        raise TokenError("The connection is not configured: directory ID, client ID and a "
                         "credential are needed.", kind=Kind.NOT_CONFIGURED)
    base = getattr(endpoints_for(cloud=connection.cloud), resource)
    try:
        result = _acquire_retrying(connection, [f"{base}/.default"], retry)
    except TokenError as exc:
        connection_error_record(connection=connection, message=str(exc))
        raise
    if "access_token" in result:
        try:
            tid_check(result["access_token"], connection)
        except TokenError as exc:
            app_forget(connection)  # never hand that token out again, not even cached
            connection_error_record(connection=connection, message=str(exc))
            raise
        _token_stamp(connection)
        return result["access_token"]
    error = token_error_from(result, connection)
    connection_error_record(connection=connection, message=str(error))
    raise error


# Every page of a read asks for the (cached) token: recording each ask was a database
# write per page (600 for a 200,000-mailbox snapshot). "When did a token last work" only
# needs this precision.
TOKEN_STAMP_EVERY = timedelta(minutes=1)


def _token_stamp(connection: TenantConnection) -> None:
    now = timezone.now()
    if connection.last_token_at is None or now - connection.last_token_at >= TOKEN_STAMP_EVERY:
        TenantConnection.objects.filter(pk=connection.pk).update(last_token_at=now)
        connection.last_token_at = now


def _acquire_retrying(connection: TenantConnection, scopes: list[str],
                      retry: transport.RetryPolicy) -> dict:
    """msal's answer, retrying the login service's transient failures with backoff.

    msal raises MsalServiceError on a 5xx/429 and then, for about 5 s, answers the same
    app instance from its throttling cache without asking the server again. So each
    retry uses a fresh app for this connection (app_forget): still one cache per
    connection and credential, never shared, and the retry really reaches the server."""
    problem = ""
    for attempt in range(retry.max_attempts):
        try:
            result = _app_for(connection).acquire_token_for_client(scopes=scopes)
        except MsalServiceError as exc:
            problem = f"token endpoint {str(exc).removeprefix('HTTP Error: ')}"
        except requests.RequestException as exc:
            problem = f"token endpoint {transport.network_fault_name(exc)}"
        except TransientError:
            problem = "token endpoint unreachable"
        else:
            if not token_result_transient(result):
                return result
            problem = f"token endpoint {result.get('error')}"
        app_forget(connection)
        if attempt == retry.max_attempts - 1:
            break
        fault_record(problem)
        retry.sleep(retry.backoff(attempt))
    raise TransientError(f"Gave up after {retry.max_attempts} attempts: {problem}")


def token_result_transient(result: dict) -> bool:
    """msal's error dict says "try again later" (AADSTS90033 and friends)."""
    if "access_token" in result:
        return False
    codes = {int(c) for c in result.get("error_codes") or [] if str(c).isdigit()}
    codes |= {int(c) for c in re.findall(r"AADSTS(\d+)", result.get("error_description", ""))}
    return result.get("error") in TRANSIENT_ERRORS or bool(codes & TRANSIENT_CODES)


def token_expired(response: requests.Response) -> bool:
    """A 401 saying the token's lifetime is over (Graph's body, Exchange's header)."""
    if response.status_code != 401:
        return False
    said = response.headers.get("WWW-Authenticate", "") + response.text[:2000]
    return "expired" in said.lower()


def token_claims(token: str) -> dict:
    """The JWT payload, unverified: the token came over TLS from the token endpoint we
    chose, so its signature adds nothing here; we only read which directory it is for."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, TypeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def tid_check(token: str, connection: TenantConnection) -> None:
    """Refuse a token whose `tid` is missing or is not the connection's directory."""
    tid = str(token_claims(token).get("tid") or "").strip().lower()
    if not tid:
        raise TokenError("The login service returned a token without a directory (tid) "
                         "claim; it was not used.", kind=Kind.TENANT_MISMATCH)
    if tid != connection.directory_id.strip().lower():
        raise TokenError(f"The login service returned a token for directory {tid}, not for "
                         f"this connection's directory {connection.directory_id}; it was not "
                         "used. Check the directory (tenant) ID.", kind=Kind.TENANT_MISMATCH)


def token_error_from(result: dict, connection: TenantConnection) -> TokenError:
    """Map msal's error dict to an actionable TokenError."""
    codes = list(result.get("error_codes") or [])
    codes += [int(c) for c in re.findall(r"AADSTS(\d+)", result.get("error_description", ""))]
    for code in codes:
        if code in AADSTS_MESSAGES:
            return _error(code, connection)
    description = (result.get("error_description") or "").split("\r\n")[0]
    return TokenError(f"Token request failed: {result.get('error', 'unknown error')}: "
                      f"{description}".strip(), kind=Kind.REMOTE)


def _error(code: int, connection: TenantConnection) -> TokenError:
    kind, text = AADSTS_MESSAGES[code]
    return TokenError(text.format(directory=connection.directory_id,
                                  client=connection.effective_client_id), kind=kind)


def connection_error_record(*, connection: TenantConnection, message: str) -> None:
    now = timezone.now()
    TenantConnection.objects.filter(pk=connection.pk).update(last_error=message,
                                                             last_error_at=now)
    connection.last_error, connection.last_error_at = message, now


def app_forget(connection: TenantConnection) -> None:
    """Drop this connection's apps and every token they cached."""
    with _LOCK:
        for key in [k for k in _APPS if k[0] == connection.pk]:
            del _APPS[key]


def apps_forget() -> None:
    """Drop every cached app and, with them, their tokens (tests)."""
    with _LOCK:
        _APPS.clear()

"""The login service: OpenID configuration, JWKS, client credentials (secret or
certificate assertion), and a minimal authorization-code + PKCE flow."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

import jwt
from cryptography import x509

from readiness.demo.emulator import consent
from readiness.demo.emulator.state import (
    EXCHANGE_ROLES,
    GRAPH_ROLES,
    App,
    EmulatorState,
    pkce_matches,
    resource_kind,
    thumbprint,
)
from readiness.demo.emulator.wire import Request, Response, json_response

MULTI_TENANT = {"common", "organizations"}
AADSTS = {
    90002: (400, "invalid_tenant", "Tenant '{ref}' not found. Check to make sure you have the "
            "correct tenant ID and are signing into the correct cloud."),
    700016: (400, "unauthorized_client", "Application with identifier '{ref}' was not found in "
             "the directory '{tenant}'. This can happen if the application has not been "
             "installed by the administrator of the tenant or consented to by any user in the "
             "tenant."),
    7000215: (401, "invalid_client", "Invalid client secret provided. Ensure the secret being "
              "sent in the request is the client secret value, not the client secret ID, for a "
              "secret added to app '{ref}'."),
    7000216: (401, "invalid_client", "'client_assertion', 'client_secret' or 'request' is "
              "required for the 'client_credentials' grant type."),
    700027: (401, "invalid_client", "Client assertion failed signature validation. {ref}"),
    65001: (400, "invalid_grant", "The user or administrator has not consented to use the "
            "application with ID '{ref}'."),
    500011: (400, "invalid_resource", "The resource principal named {ref} was not found in "
             "the tenant named {tenant}."),
    70008: (400, "invalid_grant", "The provided authorization code or refresh token has "
            "expired or was already redeemed."),
    501481: (400, "invalid_grant", "The Code_Verifier does not match the code_challenge "
             "supplied in the authorization request."),
    50148: (400, "invalid_request", "The code_verifier is required for PKCE."),
    50011: (400, "invalid_request", "The redirect URI '{ref}' specified in the request does "
            "not match the redirect URIs configured for the application."),
    900144: (400, "invalid_request", "The request body must contain the following parameter: "
             "'{ref}'."),
}


def aadsts(code: int, ref: str = "", tenant: str = "") -> Response:
    status, error, text = AADSTS[code]
    now = datetime.now(tz=UTC)
    trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
    description = (f"AADSTS{code}: {text.format(ref=ref, tenant=tenant)}\r\nTrace ID: {trace}"
                   f"\r\nCorrelation ID: {correlation}\r\nTimestamp: {now:%Y-%m-%d %H:%M:%SZ}")
    return json_response(status, {
        "error": error, "error_description": description, "error_codes": [code],
        "timestamp": f"{now:%Y-%m-%d %H:%M:%SZ}", "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    })


def handle(state: EmulatorState, request: Request, parts: list[str]) -> Response:
    if not parts or not parts[0]:
        return json_response(404, {"error": "not_found"})
    ref, rest = parts[0], "/".join(parts[1:])
    tenant = state.tenant(ref)
    if tenant is None and ref.lower() not in MULTI_TENANT:
        prospect = state.prospects.get(ref.lower())
        if prospect and (request.method, rest) == ("GET", "v2.0/.well-known/"
                                                          "openid-configuration"):
            return openid_configuration(state, request, None, ref, tid=prospect)
        return aadsts(90002, ref)
    routes = {
        ("GET", "v2.0/.well-known/openid-configuration"): openid_configuration,
        ("GET", "discovery/v2.0/keys"): lambda s, r, t, f: json_response(200, s.jwks()),
        ("POST", "oauth2/v2.0/token"): token,
        ("GET", "oauth2/v2.0/authorize"): authorize,
        ("GET", "adminconsent"): consent.page,
        ("POST", "adminconsent"): consent.decide,
    }
    route = routes.get((request.method, rest))
    if route is None:
        return json_response(404, {"error": "not_found", "error_description": rest})
    return route(state, request, tenant, ref)


def openid_configuration(state, request: Request, tenant, ref: str,
                         tid: str = "") -> Response:
    base, tid = request.base_url, tid or (tenant.tenant_id if tenant else "{tenantid}")
    return json_response(200, {
        "issuer": f"{base}/{tid}/v2.0",
        "authorization_endpoint": f"{base}/{ref}/oauth2/v2.0/authorize",
        "token_endpoint": f"{base}/{ref}/oauth2/v2.0/token",
        "jwks_uri": f"{base}/{ref}/discovery/v2.0/keys",
        "response_types_supported": ["code", "id_token", "code id_token"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                  "client_secret_basic"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "oid", "tid",
                             "preferred_username", "name", "email"],
        "tenant_region_scope": "EU", "cloud_instance_name": "emulator",
    })


def token(state: EmulatorState, request: Request, tenant, ref: str) -> Response:
    form = request.form()
    _basic_credentials(request, form)
    grant = form.get("grant_type", "")
    if grant == "client_credentials":
        return client_credentials(state, request, tenant, ref, form)
    if grant == "authorization_code":
        return authorization_code(state, request, form)
    return json_response(400, {"error": "unsupported_grant_type",
                               "error_description": f"AADSTS70003: {grant!r} not supported"})


def _basic_credentials(request: Request, form: dict) -> None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        decoded = base64.b64decode(header[6:]).decode()
        form.setdefault("client_id", decoded.partition(":")[0])
        form.setdefault("client_secret", decoded.partition(":")[2])


def client_credentials(state, request, tenant, ref, form) -> Response:
    if tenant is None:  # /common cannot issue app-only tokens
        return aadsts(90002, ref)
    if state.faults.first("token-503-once", tenant.tenant_id):
        return temporarily_unavailable(tenant.tenant_id)
    app = state.apps.get(form.get("client_id", ""))
    if app is None or app.tenant_id not in (None, tenant.tenant_id.lower()):
        return aadsts(700016, form.get("client_id", ""), tenant.tenant_id)
    grant = state.grant(app, tenant) if app.needs_grant else None
    if app.needs_grant and grant is None:  # no service principal there: nobody consented
        return aadsts(700016, app.client_id, tenant.tenant_id)
    refused = client_authenticate(state, request, app, form)
    if refused is not None:
        return refused
    if not app.consented:
        return aadsts(65001, app.client_id)
    scope = form.get("scope", "").split()
    resource = scope[0].removesuffix("/.default") if len(scope) == 1 else ""
    kind = resource_kind(resource)
    if not kind or not scope[0].endswith("/.default"):
        return aadsts(500011, resource or form.get("scope", ""), tenant.tenant_id)
    granted = grant.roles if grant is not None else app.roles
    roles = sorted(granted & (GRAPH_ROLES if kind == "graph" else EXCHANGE_ROLES))
    # A test may make a directory's tokens name another tid (or none) to prove the
    # product refuses them.
    tid = state.token_tid.get(tenant.tenant_id.lower(), tenant.tenant_id)
    claims = {"aud": resource, "iss": f"https://sts.emulator/{tenant.tenant_id}/",
              "tid": tid, "appid": app.client_id, "roles": roles, "oid": app.client_id,
              "idtyp": "app"}
    access = state.sign({k: v for k, v in claims.items() if v is not None})
    return json_response(200, {"token_type": "Bearer", "expires_in": 3599,
                               "ext_expires_in": 3599, "access_token": access})


def temporarily_unavailable(directory: str) -> Response:
    """What the identity platform answers during an incident: 503 + AADSTS90033."""
    return json_response(503, {
        "error": "temporarily_unavailable",
        "error_description": "AADSTS90033: A transient error has occurred. Please try again.",
        "error_codes": [90033], "trace_id": str(uuid.uuid4()),
        "correlation_id": str(uuid.uuid4())}, **{"Retry-After": "1"})


def client_authenticate(state, request, app: App, form: dict) -> Response | None:
    """None when the secret or the certificate assertion is right, else the AADSTS error."""
    if form.get("client_assertion"):
        problem = assertion_problem(state, request, app, form["client_assertion"])
        return aadsts(700027, problem) if problem else None
    if not form.get("client_secret"):
        return aadsts(7000216)
    if app.secret is None or not secrets.compare_digest(form["client_secret"], app.secret):
        return aadsts(7000215, app.client_id)
    return None


def assertion_problem(state, request, app: App, assertion: str) -> str:
    """Verify a private_key_jwt assertion; '' when valid, else what is wrong.

    The signature is checked against the app's registered certificates (by x5t or
    x5t#S256); an app with none registered accepts the certificate sent in x5c, so the
    structure and signature are still checked end to end.
    """
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError as exc:
        return f"Malformed assertion: {exc}"
    cert = _assertion_certificate(app, header)
    if cert is None:
        return "Key was not found: the certificate is not registered on the application."
    audiences = [f"{request.base_url}{request.path}"]
    try:
        claims = jwt.decode(assertion, cert.public_key(), algorithms=["RS256", "PS256"],
                            audience=audiences, issuer=app.client_id,
                            options={"require": ["exp", "aud", "iss", "sub"]})
    except jwt.PyJWTError as exc:
        return f"Invalid assertion: {exc}"
    return "" if claims.get("sub") == app.client_id else "The assertion subject is wrong."


def _assertion_certificate(app: App, header: dict) -> x509.Certificate | None:
    wanted = {("x5t", hashlib.sha1): header.get("x5t"),
              ("x5t#S256", hashlib.sha256): header.get("x5t#S256")}
    for (_, algorithm), value in wanted.items():
        for cert in app.certificates:
            if value and thumbprint(cert, algorithm) == value.rstrip("="):
                return cert
    if app.certificates or not header.get("x5c"):
        return None
    der = base64.b64decode(header["x5c"][0])
    return x509.load_der_x509_certificate(der)


def authorize(state: EmulatorState, request: Request, tenant, ref: str) -> Response:
    """No UI: signs in `login_hint` (or the tenant's first user) and redirects back."""
    query = request.query
    for name in ("client_id", "redirect_uri", "code_challenge"):
        if not query.get(name):
            return aadsts(900144, name)
    if query["client_id"] not in state.apps:
        return aadsts(700016, query["client_id"], ref)
    user_tenant, user = _user_for(state, tenant, query.get("login_hint", ""))
    code = secrets.token_urlsafe(32)
    with state.lock:
        state.codes[code] = {
            "client_id": query["client_id"], "redirect_uri": query["redirect_uri"],
            "challenge": query["code_challenge"],
            "method": query.get("code_challenge_method", "plain"),
            "nonce": query.get("nonce", ""), "scope": query.get("scope", "openid"),
            "tenant": user_tenant, "user": user, "expires": time.time() + 600,
        }
    params = {"code": code, "state": query.get("state", ""),
              "session_state": str(uuid.uuid4())}
    separator = "&" if "?" in query["redirect_uri"] else "?"
    return Response(302, b"", {"Location": query["redirect_uri"] + separator
                               + urlencode(params)})


def _user_for(state, tenant, hint: str):
    tenants = [tenant] if tenant else list(state.tenants.values())
    for candidate in tenants:
        for mailbox in candidate.mailboxes:
            if hint and mailbox.address.lower() == hint.lower():
                return candidate, mailbox
    first = tenants[0]
    users = [m for m in first.mailboxes if m.recipient_type == "UserMailbox"] or first.mailboxes
    return first, users[0]


def authorization_code(state: EmulatorState, request: Request, form: dict) -> Response:
    with state.lock:
        grant = state.codes.pop(form.get("code", ""), None)
    if grant is None or grant["expires"] < time.time():
        return aadsts(70008)
    app = state.apps.get(form.get("client_id", ""))
    if app is None or app.client_id != grant["client_id"]:
        return aadsts(700016, form.get("client_id", ""), grant["tenant"].tenant_id)
    if form.get("redirect_uri") != grant["redirect_uri"]:
        return aadsts(50011, form.get("redirect_uri", ""))
    if not form.get("code_verifier"):
        return aadsts(50148)
    if not pkce_matches(form["code_verifier"], grant["challenge"], grant["method"]):
        return aadsts(501481)
    if form.get("client_secret") or form.get("client_assertion"):
        refused = client_authenticate(state, request, app, form)
        if refused is not None:
            return refused
    return json_response(200, _user_tokens(state, request, app, grant))


def _user_tokens(state, request, app: App, grant: dict) -> dict:
    tenant, user = grant["tenant"], grant["user"]
    identity = {"oid": user.object_id, "sub": hashlib.sha256(
        f"{app.client_id}|{user.object_id}".encode()).hexdigest()[:43],
        "tid": tenant.tenant_id, "preferred_username": user.address, "name": user.display_name,
        "email": user.address}
    id_token = state.sign({"aud": app.client_id, "iss": f"{request.base_url}/"
                           f"{tenant.tenant_id}/v2.0", "nonce": grant["nonce"], "ver": "2.0",
                           **identity})
    access = state.sign({"aud": "00000003-0000-0000-c000-000000000000", "scp": "openid profile",
                         "appid": app.client_id, **identity})
    return {"token_type": "Bearer", "scope": grant["scope"], "expires_in": 3599,
            "ext_expires_in": 3599, "access_token": access, "id_token": id_token}

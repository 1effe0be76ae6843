"""Admin consent (`/{directory}/adminconsent`) and the emulator's control page.

Microsoft shows the tenant's Global Administrator a consent prompt, then redirects to
the app's redirect URI with `admin_consent=True&tenant=…&state=…`, or with
`error=access_denied` when the admin cancels or is not allowed to consent. The
emulator's prompt is a small form with those three outcomes.

Consent never assigns a directory role: the control page (`/_emulator/tenants/{ref}`)
does what the customer's admin does in the Entra admin center — assign Global Reader
to the MSP app's service principal — so that "role missing, fix it, check again" can
run end to end in tests and in `make run`'s demo."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from readiness.demo.emulator.state import MSP_CLIENT_ID, EmulatorState, Grant
from readiness.demo.emulator.wire import Request, Response, json_response

DECLINED = "AADSTS65004: User declined to consent to access the app."
NOT_ADMIN = ("AADSTS90094: The grant requires admin permission. Sign in with a Global "
             "Administrator of the tenant.")


def _html(status: int, title: str, body: str) -> Response:
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}"
            f"</title></head><body><h1>{escape(title)}</h1>{body}</body></html>")
    return Response(status, page.encode(), {"Content-Type": "text/html; charset=utf-8"})


def page(state: EmulatorState, request: Request, tenant, ref: str) -> Response:
    query = request.query
    app = state.apps.get(query.get("client_id", ""))
    if tenant is None or app is None or not query.get("redirect_uri"):
        return _html(400, "Consent request is not valid",
                     "<p>Unknown tenant, unknown client_id or no redirect_uri.</p>")
    hidden = "".join(f"<input type='hidden' name='{escape(k)}' value='{escape(v)}'>"
                     for k, v in query.items() if k in ("client_id", "redirect_uri", "state"))
    buttons = "".join(f"<button name='decision' value='{value}'>{label}</button> "
                      for value, label in (("accept", "Accept"), ("cancel", "Cancel"),
                                           ("not-admin", "Sign in as a non-admin")))
    return _html(200, "Permissions requested",
                 f"<p>The app <b>{escape(app.client_id)}</b> asks for admin consent in "
                 f"<b>{escape(tenant.name)}</b> ({escape(tenant.domain)}).</p>"
                 f"<form method='post'>{hidden}{buttons}</form>")


def decide(state: EmulatorState, request: Request, tenant, ref: str) -> Response:
    form = request.form()
    app = state.apps.get(form.get("client_id", ""))
    if tenant is None or app is None or not form.get("redirect_uri"):
        return _html(400, "Consent request is not valid", "")
    params = {"state": form.get("state", "")}
    decision = form.get("decision")
    if decision == "accept":
        with state.lock:
            state.grants.setdefault((app.client_id, tenant.tenant_id.lower()), Grant())
        params.update(admin_consent="True", tenant=tenant.tenant_id)
    else:
        params.update(error="access_denied", tenant=tenant.tenant_id,
                      error_description=DECLINED if decision == "cancel" else NOT_ADMIN)
    separator = "&" if "?" in form["redirect_uri"] else "?"
    return Response(302, b"", {"Location": form["redirect_uri"] + separator
                               + urlencode(params)})


def control(state: EmulatorState, request: Request, parts: list[str]) -> Response:
    """/_emulator/tenants/{ref}[/directory-role]: see and change a tenant's grants."""
    if len(parts) < 2 or parts[0] != "tenants":
        return json_response(404, {"error": "not_found"})
    tenant = state.tenant(parts[1])
    if tenant is None:
        return json_response(404, {"error": "unknown tenant"})
    key = (request.query.get("client_id") or MSP_CLIENT_ID, tenant.tenant_id.lower())
    action = parts[2] if len(parts) > 2 else ""
    if request.method == "POST" and action in ("directory-role", "remove-directory-role"):
        with state.lock:
            grant = state.grants.get(key)
            if grant is None:
                return json_response(409, {"error": "no consent in this tenant yet"})
            grant.directory_role = action == "directory-role"
        return _control_page(state, tenant, key, "Saved.")
    if request.method == "POST" and action == "revoke-consent":
        with state.lock:
            state.grants.pop(key, None)
        return _control_page(state, tenant, key, "Consent revoked.")
    return _control_page(state, tenant, key, "")


def _control_page(state, tenant, key, note: str) -> Response:
    grant = state.grants.get(key)
    facts = ("no consent" if grant is None else
             f"consented; roles {', '.join(sorted(grant.roles))}; Global Reader: "
             f"{'assigned' if grant.directory_role else 'missing'}")
    base = f"/_emulator/tenants/{escape(tenant.tenant_id)}"
    return _html(200, f"Emulator: {tenant.name}",
                 f"<p id='note'>{escape(note)}</p><p id='grant'>{escape(facts)}</p>"
                 f"<form method='post' action='{base}/directory-role'>"
                 "<button>Assign Global Reader to the MSP app</button></form>"
                 f"<form method='post' action='{base}/revoke-consent'>"
                 "<button>Revoke consent</button></form>")

"""The Exchange admin API's InvokeCommand, with the real envelope, annotation keys,
$skiptoken paging and the observed errors (401 without Exchange.ManageAsApp, 403 with a
NUL-byte body without a directory role)."""

from __future__ import annotations

import base64
import json
import re
import uuid
from urllib.parse import quote, urlencode

from readiness.demo.emulator.graph import authenticate
from readiness.demo.emulator.state import EmulatorState
from readiness.demo.emulator.wire import Request, Response, json_response
from readiness.demo.generator import DemoMailbox, DemoTenant

TRUNCATED = "The output is truncated; only part of the results was returned."
PARAMETERS = {
    "Get-CASMailbox": {"ResultSize", "Identity"},
    "Get-Mailbox": {"ResultSize", "RecipientTypeDetails", "Identity"},
    "Get-User": {"ResultSize", "Identity"},
    "Get-TransportConfig": set(),
    "Get-OrganizationConfig": set(),
    "Get-AuthenticationPolicy": {"Identity"},
}


def error(status: int, exception_type: str, message: str) -> Response:
    return json_response(status, {"error": {
        "code": "BadRequest" if status == 400 else "Forbidden", "message": "Invalid Operation",
        "details": [{"code": "Client", "message": f"|{exception_type}|{message}"}],
        "innererror": {"message": "Invalid Operation",
                       "type": "Microsoft.Exchange.Admin.OData.Core.ODataServiceException",
                       "stacktrace": "", "internalexception": {
                           "message": message, "type": exception_type, "stacktrace": ""}},
        "adminapi.warnings@odata.type": "#Collection(String)", "@adminapi.warnings": [],
    }})


def handle(state: EmulatorState, request: Request, parts: list[str]) -> Response:
    if len(parts) != 4 or parts[:2] != ["adminapi", "beta"] or parts[3] != "InvokeCommand":
        return json_response(404, {"error": {"code": "NotFound", "message": "Not found"}})
    claims = authenticate(state, request, "exchange")
    tenant = state.tenant(parts[2])
    if claims is None or tenant is None or claims.get("tid") != tenant.tenant_id:
        return Response(401, b"", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    if "Exchange.ManageAsApp" not in claims.get("roles", []):
        return Response(401, b"", {"WWW-Authenticate": 'Bearer error="insufficient_claims"'})
    if not state.has_directory_role(str(claims.get("appid", "")), tenant):
        return Response(403, b"\x00" * 32, {"Content-Type": "application/json"})
    if request.method != "POST":
        return error(400, "System.NotSupportedException", "InvokeCommand needs POST.")
    return invoke(state, request, tenant)


def invoke(state: EmulatorState, request: Request, tenant: DemoTenant) -> Response:
    try:
        cmdlet_input = (request.json() or {})["CmdletInput"]
        name, parameters = cmdlet_input["CmdletName"], cmdlet_input.get("Parameters")
    except (KeyError, TypeError, ValueError):
        return error(400, "System.ArgumentException", "The request body is not a CmdletInput.")
    if name not in PARAMETERS:
        return error(400, "System.Management.Automation.CommandNotFoundException",
                     f"The term '{name}' is not recognized as a name of a cmdlet.")
    if not isinstance(parameters, dict):
        return error(400, "System.ArgumentNullException", "Value cannot be null. "
                     "(Parameter 'Parameters')")
    unknown = sorted(set(parameters) - PARAMETERS[name])
    if unknown:
        return error(400, "System.Management.Automation.ParameterBindingException",
                     f"A parameter cannot be found that matches parameter name '{unknown[0]}'.")
    # A paged read gets its rows on the first page and later pages reuse them, as
    # Exchange pages one result: rebuilding every row for each page made a read of
    # 200,000 mailboxes quadratic (200 pages x 200,000 rows per cmdlet).
    key = (tenant.tenant_id, name, json.dumps(parameters, sort_keys=True, default=str))
    rows = state.exchange_results.get(key) if "$skiptoken" in request.query else None
    if rows is None:
        rows = state.exchange_results[key] = ROWS[name](tenant, parameters)
    return page(state, request, tenant, rows)


def page(state: EmulatorState, request: Request, tenant: DemoTenant, rows: list[dict]):
    size = min(_prefer_page_size(request), state.exchange_page_size)
    token = request.query.get("$skiptoken", "")
    skip = json.loads(base64.b64decode(token))["Skip"] if token else 0
    context = (f"{request.base_url}/exchange/adminapi/beta/{tenant.tenant_id}/$metadata#"
               "Collection(Exchange.GenericHashTable)")
    truncated = (state.faults.roll("truncate")
                 or (not request.unread and state.faults.first(
                     "truncate-once", (request.path, request.raw_query, request.body))))
    warnings = [TRUNCATED] if truncated else []
    body = {"@odata.context": context, "adminapi.warnings@odata.type": "#Collection(String)",
            "@adminapi.warnings": warnings, "value": rows[skip:skip + size]}
    if skip + size < len(rows):
        next_token = base64.b64encode(json.dumps({"Skip": skip + size}).encode()).decode()
        body["@odata.nextLink"] = (f"{request.base_url}{request.path}?"
                                   + urlencode({"$skiptoken": next_token}, quote_via=quote))
    return json_response(200, body)


def _prefer_page_size(request: Request) -> int:
    match = re.search(r"odata\.maxpagesize=(\d+)", request.headers.get("prefer", ""))
    return int(match.group(1)) if match else 1000


def _guid(value: str) -> dict:
    return {"Guid@data.type": "System.Guid", "Guid@odata.type": "#Guid", "Guid": value}


def _identity(mailbox: DemoMailbox) -> dict:
    local = mailbox.address.split("@")[0]
    return {"Identity": local, "Name": local, "DisplayName": mailbox.display_name,
            "PrimarySmtpAddress": mailbox.address, **_guid(mailbox.object_id[::-1]),
            "ExternalDirectoryObjectId": mailbox.object_id}


def cas_mailboxes(tenant: DemoTenant, parameters: dict) -> list[dict]:
    return [{**_identity(m), "EmailAddresses@odata.type": "#Collection(String)",
             "EmailAddresses": [f"SMTP:{m.address}",
                                f"smtp:{m.address.split('@')[0]}@{tenant.slug}.onmicrosoft.com"],
             "ActiveSyncEnabled": True, "PopEnabled": False, "ImapEnabled": False,
             "SmtpClientAuthenticationDisabled": m.smtp_auth_disabled}
            for m in tenant.mailboxes]


def mailboxes(tenant: DemoTenant, parameters: dict) -> list[dict]:
    wanted = parameters.get("RecipientTypeDetails")
    wanted = {wanted} if isinstance(wanted, str) else set(wanted or [])
    return [{**_identity(m), "RecipientType": "UserMailbox", "RecipientTypeDetails":
             m.recipient_type} for m in tenant.mailboxes
            if not wanted or m.recipient_type in wanted]


def users(tenant: DemoTenant, parameters: dict) -> list[dict]:
    return [{"Identity": m.address.split("@")[0], "UserPrincipalName": m.user_principal_name,
             "ExternalDirectoryObjectId": m.object_id, "RecipientType": "UserMailbox",
             "AuthenticationPolicy": m.authentication_policy} for m in tenant.mailboxes]


def transport_config(tenant: DemoTenant, parameters: dict) -> list[dict]:
    return [{"Identity": "Transport Settings", "Name": "Transport Settings",
             "SmtpClientAuthenticationDisabled": tenant.org_smtp_auth_disabled,
             "AllowLegacyTLSClients": False}]


def organization_config(tenant: DemoTenant, parameters: dict) -> list[dict]:
    return [{"Identity": f"{tenant.slug}.onmicrosoft.com", "Name":
             f"{tenant.slug}.onmicrosoft.com",
             "DefaultAuthenticationPolicy": tenant.default_policy}]


def authentication_policies(tenant: DemoTenant, parameters: dict) -> list[dict]:
    return [{"Identity": p.name, "Name": p.name, "DistinguishedName": p.distinguished_name,
             **_guid(str(uuid.uuid5(uuid.NAMESPACE_URL, p.distinguished_name))),
             "AllowBasicAuthSmtp": p.allow_basic_auth_smtp, "AllowBasicAuthImap": False,
             "AllowBasicAuthPop": False}
            for p in tenant.policies]


ROWS = {
    "Get-CASMailbox": cas_mailboxes, "Get-Mailbox": mailboxes, "Get-User": users,
    "Get-TransportConfig": transport_config, "Get-OrganizationConfig": organization_config,
    "Get-AuthenticationPolicy": authentication_policies,
}

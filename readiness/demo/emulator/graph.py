"""Graph: sign-in logs (with $filter, $top and $skiptoken paging), security defaults,
Conditional Access policies and the organization."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from readiness.demo.emulator.state import EmulatorState, resource_kind
from readiness.demo.emulator.wire import Request, Response, iso, json_response
from readiness.demo.generator import DemoSignIn, DemoTenant

_TIME = re.compile(r"createdDateTime\s+(ge|gt|le|lt)\s+([0-9T:.\-+Z]+)", re.I)
_APP = re.compile(r"clientAppUsed\s+eq\s+'([^']*)'", re.I)
_GLUE = re.compile(r"\b(and|or)\b|[()\s]", re.I)


class FilterError(ValueError):
    pass


def error(status: int, code: str, message: str) -> Response:
    return json_response(status, {"error": {"code": code, "message": message, "innerError": {
        "date": iso(datetime.now(tz=UTC)), "request-id": "emulator"}}})


def authenticate(state: EmulatorState, request: Request, kind: str):
    """The token's claims, or None when it is missing, invalid or for another API."""
    claims = state.verify(request.bearer())
    if claims is None or resource_kind(str(claims.get("aud", ""))) != kind:
        return None
    return claims


def handle(state: EmulatorState, request: Request, parts: list[str]) -> Response:
    claims = authenticate(state, request, "graph")
    if claims is None:
        return error(401, "InvalidAuthenticationToken",
                     "Access token validation failure. Invalid audience.")
    tenant = state.tenant(claims.get("tid", ""))
    if tenant is None:
        return error(401, "InvalidAuthenticationToken", "Unknown tenant.")
    routes = {
        "v1.0/auditLogs/signIns": ("AuditLog.Read.All", signins),
        "v1.0/policies/identitySecurityDefaultsEnforcementPolicy": ("Policy.Read.All",
                                                                   security_defaults),
        "v1.0/identity/conditionalAccess/policies": ("Policy.Read.All", conditional_access),
        "v1.0/organization": ("Directory.Read.All", organization),
        "v1.0/domains": ("Directory.Read.All", domains),
    }
    path = "/".join(parts)
    if request.method != "GET" or path not in routes:
        return error(400, "BadRequest", f"Resource not found for the segment '{path}'.")
    role, view = routes[path]
    if role not in claims.get("roles", []):
        return error(403, "Authorization_RequestDenied",
                     "Insufficient privileges to complete the operation.")
    return view(state, request, tenant)


def signins(state: EmulatorState, request: Request, tenant: DemoTenant) -> Response:
    if not tenant.has_p1:
        return error(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
                     "Neither tenant is B2C or tenant doesn't have premium license")
    try:
        keep = filter_parse(request.query.get("$filter", ""))
        top = min(int(request.query.get("$top", 1000)), 1000, state.graph_page_size)
        skip = int(request.query.get("$skiptoken", "0").rpartition("_")[2] or 0)
    except (FilterError, ValueError) as exc:
        return error(400, "BadRequest", f"Invalid filter clause: {exc}")
    now = datetime.now(tz=UTC)
    matching = [e for e in state.signins(tenant) if e.created <= now and keep(e)]
    page = matching[skip:skip + top]
    body = {"@odata.context": f"{request.base_url}/graph/v1.0/$metadata#auditLogs/signIns",
            "value": [signin_record(e) for e in page]}
    if skip + top < len(matching):
        params = {k: v for k, v in request.query.items() if k != "$skiptoken"}
        params["$skiptoken"] = f"{tenant.tenant_id.replace('-', '')}_{skip + top}"
        body["@odata.nextLink"] = (f"{request.base_url}/{request.path.lstrip('/')}?"
                                   + urlencode(params, quote_via=quote))
    return json_response(200, body)


def filter_parse(text: str):
    """Supports what the sign-in log supports for us: createdDateTime ge/gt/le/lt and
    clientAppUsed eq (alone, or or-ed in parentheses); anything else is rejected."""
    bounds = [(op.lower(), _parse_time(value)) for op, value in _TIME.findall(text)]
    apps = set(_APP.findall(text))
    leftover = _GLUE.sub("", _APP.sub("", _TIME.sub("", text)))
    if leftover:
        raise FilterError(f"unsupported expression near {leftover[:40]!r}")
    checks = {"ge": lambda a, b: a >= b, "gt": lambda a, b: a > b,
              "le": lambda a, b: a <= b, "lt": lambda a, b: a < b}

    def keep(event: DemoSignIn) -> bool:
        if apps and event.client_app not in apps:
            return False
        return all(checks[op](event.created, value) for op, value in bounds)

    return keep


def _parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise FilterError(f"bad date {value!r}") from exc
    if parsed.tzinfo is None:
        raise FilterError(f"date without a time zone {value!r}")
    return parsed


def signin_record(event: DemoSignIn) -> dict:
    # Alternate the two timestamp shapes Graph is known to send.
    created = iso(event.created)
    if int(event.id[-1], 16) % 2:
        created = created[:-1] + ".4417012Z"
    return {
        "id": event.id, "createdDateTime": created,
        "userDisplayName": event.user_display_name,
        "userPrincipalName": event.user_principal_name, "userId": event.user_id,
        "appId": "00000002-0000-0ff1-ce00-000000000000",
        "appDisplayName": "Office 365 Exchange Online", "ipAddress": event.ip_address,
        "clientAppUsed": event.client_app, "correlationId": event.id,
        "conditionalAccessStatus": "notApplied", "isInteractive": True,
        "resourceDisplayName": "Office 365 Exchange Online",
        "status": {"errorCode": event.error_code, "failureReason": event.failure_reason,
                   "additionalDetails": None},
        "location": {"city": "Praha", "state": "Praha", "countryOrRegion": "CZ"},
        "appliedConditionalAccessPolicies": [],
    }


def security_defaults(state, request: Request, tenant: DemoTenant) -> Response:
    return json_response(200, {
        "@odata.context": f"{request.base_url}/graph/v1.0/$metadata#policies/"
                          "identitySecurityDefaultsEnforcementPolicy/$entity",
        "id": "00000000-0000-0000-0000-000000000005", "displayName": "Security Defaults",
        "description": "Security defaults is a set of basic identity security mechanisms.",
        "isEnabled": tenant.security_defaults,
    })


def conditional_access(state, request: Request, tenant: DemoTenant) -> Response:
    return json_response(200, {"@odata.context": f"{request.base_url}/graph/v1.0/$metadata#"
                                                 "identity/conditionalAccess/policies",
                               "value": tenant.conditional_access})


def organization(state, request: Request, tenant: DemoTenant) -> Response:
    return json_response(200, {"value": [{
        "id": tenant.tenant_id, "displayName": tenant.name,
        "verifiedDomains": [{"name": tenant.domain, "isDefault": True},
                            {"name": f"{tenant.slug}.onmicrosoft.com", "isInitial": True}],
    }]})


def domains(state, request: Request, tenant: DemoTenant) -> Response:
    return json_response(200, {"value": [
        {"id": tenant.domain, "isDefault": True, "isInitial": False, "isVerified": True,
         "authenticationType": "Managed"},
        {"id": f"{tenant.slug}.onmicrosoft.com", "isDefault": False, "isInitial": True,
         "isVerified": True, "authenticationType": "Managed"},
        {"id": f"pending.{tenant.domain}", "isDefault": False, "isInitial": False,
         "isVerified": False, "authenticationType": "Managed"},
    ]})

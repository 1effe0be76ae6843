""""Test connection": get both tokens and try each permission the product needs.

Every check ends ok / missing / unknown with the fix to show. Unknown means we could
not tell (an earlier step failed), never that the permission is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import Health
from readiness.connectors.errors import ConnectorError, Kind, TransientError
from readiness.connectors.exchange import NO_MANAGE_AS_APP, ExchangeClient
from readiness.connectors.graph import GraphClient
from readiness.connectors.models import TenantConnection
from readiness.connectors.tokens import token_acquire
from readiness.connectors.transport import RetryPolicy

PROBE_RETRY = RetryPolicy(max_attempts=2, max_sleep=5)
OK, MISSING, UNKNOWN = "ok", "missing", "unknown"
# Labels and fixes are looked up by key when the page shows them (selectors), so they
# follow the reader's language even though the probe's result is stored as JSON.
FIX = {
    "graph_token": _("Check the directory ID, client ID and credential; see the error."),
    "exchange_token": _("Check the credential; see the error."),
    "AuditLog.Read.All": _("Add the Graph application permission AuditLog.Read.All and grant "
                           "admin consent."),
    "Directory.Read.All": _("Add the Graph application permission Directory.Read.All and "
                            "grant admin consent."),
    "Policy.Read.All": _("Add the Graph application permission Policy.Read.All and grant "
                         "admin consent."),
    "Exchange.ManageAsApp": _("Exchange rejected the token (401): grant the application "
                              "permission Exchange.ManageAsApp (Office 365 Exchange Online) and "
                              "admin consent."),
    "exchange_role": _("The app has no Exchange role in this tenant: assign the Global Reader "
                       "role to the application in Entra ID (Roles and administrators)."),
    "entra_p1": _("Sign-in logs need Entra ID P1 (or P2). Without it, import the SMTP AUTH "
                  "reports from the Exchange admin center instead."),
}
LABELS = {
    "graph_token": _("Token for Microsoft Graph"),
    "exchange_token": _("Token for Exchange Online"),
    "AuditLog.Read.All": _("AuditLog.Read.All (sign-in logs)"),
    "Directory.Read.All": "Directory.Read.All",
    "Policy.Read.All": _("Policy.Read.All (security defaults, Conditional Access)"),
    "Exchange.ManageAsApp": "Exchange.ManageAsApp",
    "exchange_role": _("Entra role on the app (Global Reader)"),
    "entra_p1": _("Entra ID P1 licence"),
}
STATUS_LABELS = {OK: _("ok"), MISSING: _("missing"), UNKNOWN: _("unknown")}


def check_for_display(check: dict) -> dict:
    """A stored check, labelled in the reader's language (unknown keys as stored)."""
    key, status = check.get("key"), check.get("status")
    return {**check, "label": LABELS.get(key, check.get("label", key)),
            "status_label": STATUS_LABELS.get(status, status),
            "fix": "" if status == OK else FIX.get(key, check.get("fix", ""))}


@dataclass
class Check:
    key: str
    status: str
    detail: str = ""

    def as_dict(self) -> dict:
        fix = "" if self.status == OK else FIX[self.key]
        # Stored as JSON: plain text (the page re-labels it in the reader's language).
        return {**asdict(self), "label": str(LABELS[self.key]), "fix": str(fix)}


def _attempt(call: Callable[[], object]) -> tuple[str, str, ConnectorError | None]:
    try:
        call()
    except ConnectorError as exc:
        return MISSING if exc.kind == Kind.MISSING_PERMISSION else UNKNOWN, str(exc), exc
    except TransientError as exc:
        return UNKNOWN, str(exc), None
    return OK, "", None


def _graph_checks(connection: TenantConnection) -> list[Check]:
    token_status, detail, _ = _attempt(lambda: token_acquire(connection=connection,
                                                             resource="graph"))
    if token_status != OK:
        return [Check("graph_token", MISSING, detail)] + [
            Check(k, UNKNOWN) for k in ("AuditLog.Read.All", "Directory.Read.All",
                                        "Policy.Read.All", "entra_p1")]
    graph = GraphClient(connection=connection, retry=PROBE_RETRY)
    base = graph.base + "/v1.0"
    signins, signins_detail, error = _attempt(
        lambda: graph.get(f"{base}/auditLogs/signIns?$top=1", report=True,
                          needs="AuditLog.Read.All"))
    no_p1 = error is not None and error.kind == Kind.NO_PREMIUM_LICENSE
    return [
        Check("graph_token", OK),
        Check("AuditLog.Read.All", UNKNOWN if no_p1 else signins, signins_detail),
        Check("entra_p1", MISSING if no_p1 else (OK if signins == OK else UNKNOWN)),
        Check("Directory.Read.All", *_attempt(lambda: graph.get(
            f"{base}/organization?$select=id", needs="Directory.Read.All"))[:2]),
        Check("Policy.Read.All", *_attempt(lambda: graph.get(
            f"{base}/policies/identitySecurityDefaultsEnforcementPolicy",
            needs="Policy.Read.All"))[:2]),
    ]


def _exchange_checks(connection: TenantConnection) -> list[Check]:
    token_status, detail, _ = _attempt(lambda: token_acquire(connection=connection,
                                                             resource="exchange"))
    if token_status != OK:
        return [Check("exchange_token", MISSING, detail), Check("Exchange.ManageAsApp", UNKNOWN),
                Check("exchange_role", UNKNOWN)]
    exo = ExchangeClient(connection=connection, retry=PROBE_RETRY)
    status, detail, _ = _attempt(lambda: exo.invoke("Get-OrganizationConfig"))
    if status == OK:
        return [Check("exchange_token", OK), Check("Exchange.ManageAsApp", OK),
                Check("exchange_role", OK)]
    if detail == NO_MANAGE_AS_APP:
        return [Check("exchange_token", OK), Check("Exchange.ManageAsApp", MISSING, detail),
                Check("exchange_role", UNKNOWN)]
    role = MISSING if status == MISSING else UNKNOWN
    return [Check("exchange_token", OK), Check("Exchange.ManageAsApp", OK),
            Check("exchange_role", role, detail)]


def health_of(checks: list[Check]) -> str:
    by_key = {c.key: c.status for c in checks}
    if by_key.get("graph_token") != OK and by_key.get("exchange_token") != OK:
        return Health.ERROR
    return Health.OK if all(c.status == OK for c in checks) else Health.DEGRADED


def connection_test(*, connection: TenantConnection) -> dict:
    """Probe every permission; store the result and the health on the connection."""
    checks = _graph_checks(connection) + _exchange_checks(connection)
    result = {"checked_at": timezone.now().isoformat(),
              "checks": [c.as_dict() for c in checks]}
    p1 = {c.key: c.status for c in checks}.get("entra_p1")
    fields = {"permissions": result, "health": health_of(checks)}
    if p1 in (OK, MISSING):
        fields["has_entra_p1"] = p1 == OK
    TenantConnection.objects.filter(pk=connection.pk).update(**fields)
    for name, value in fields.items():
        setattr(connection, name, value)
    return result

"""Microsoft Graph: Basic SMTP sign-ins, security defaults and Conditional Access.

Sign-ins are read with one query per clientAppUsed value ('Authenticated SMTP' and
'SMTP'): `clientAppUsed` is documented to support `eq` only, and two plain `eq`
queries are accepted everywhere, whereas an `or` across them is not guaranteed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

import requests

from readiness.connectors import ratelimit, transport
from readiness.connectors.endpoints import endpoints_for
from readiness.connectors.errors import ConnectorError, MissingPermission, NoPremiumLicense
from readiness.connectors.faultlog import fault_record
from readiness.connectors.models import TenantConnection
from readiness.connectors.tokens import app_forget, token_acquire, token_expired

SMTP_CLIENT_APPS = ("Authenticated SMTP", "SMTP")
NO_PREMIUM = "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
PAGE_SIZE = 1000
MAX_PAGES = 10_000  # a guard against a service that keeps sending the same nextLink


def graph_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signins_filter(*, start: datetime, end: datetime, client_app: str) -> str:
    return (f"createdDateTime ge {graph_time(start)} and createdDateTime le {graph_time(end)} "
            f"and clientAppUsed eq '{client_app}'")


class GraphClient:
    def __init__(self, *, connection: TenantConnection,
                 retry: transport.RetryPolicy = transport.DEFAULT_RETRY, limiter=None,
                 session: requests.Session | None = None):
        self.connection, self.retry = connection, retry
        self.limiter = limiter if limiter is not None else ratelimit.limiter_default()
        self.session = session or transport.session_new()
        self.base = endpoints_for(cloud=connection.cloud).graph

    def get(self, url: str, *, report: bool = False, needs: str = "") -> dict:
        """GET one URL; `report` applies the identity-reports rate limits. A token that
        expired mid-run is replaced once (a fresh app, so msal cannot hand it out again)."""
        rules = ratelimit.graph_report_rules(
            directory_id=self.connection.directory_id) if report else ()
        for renewed in (False, True):
            token = token_acquire(connection=self.connection, resource="graph",
                                  retry=self.retry)
            response = transport.send(
                self.session, "GET", url, retry=self.retry, limiter=self.limiter, rules=rules,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
            if renewed or not token_expired(response):
                break
            fault_record("token expired")
            app_forget(self.connection)
        if response.status_code == 200:
            return response.json()
        raise graph_error(response, needs=needs)

    def pages(self, url: str, *, report: bool = False, needs: str = "") -> Iterator[list[dict]]:
        """Each page's `value`, following @odata.nextLink (an absolute URL)."""
        seen: set[str] = set()
        while url and len(seen) < MAX_PAGES:
            seen.add(url)
            body = self.get(url, report=report, needs=needs)
            yield body.get("value", [])
            url = transport.next_link(body, origin=self.base)
            if url in seen:
                raise ConnectorError("Graph returned the same page link twice; stopped.")

    def signin_pages(self, *, start: datetime, end: datetime) -> Iterator[list[dict]]:
        for client_app in SMTP_CLIENT_APPS:
            query = urlencode({"$filter": signins_filter(start=start, end=end,
                                                         client_app=client_app),
                               "$top": PAGE_SIZE}, quote_via=quote)
            yield from self.pages(f"{self.base}/v1.0/auditLogs/signIns?{query}", report=True,
                                  needs="AuditLog.Read.All")

    def security_defaults_enabled(self) -> bool | None:
        """Gate 2; None when the app may not read it (never "off" by assumption)."""
        url = f"{self.base}/v1.0/policies/identitySecurityDefaultsEnforcementPolicy"
        body = self.optional(url, needs="Policy.Read.All")
        return None if body is None else bool(body.get("isEnabled"))

    def conditional_access_policies(self) -> list[dict] | None:
        url = f"{self.base}/v1.0/identity/conditionalAccess/policies"
        try:
            return [policy for page in self.pages(url, needs="Policy.Read.All")
                    for policy in page]
        except MissingPermission:
            return None

    def verified_domains(self) -> list[dict] | None:
        """/v1.0/domains (id = the name, isVerified, isDefault); None without permission.

        The wrong-tenant check of report files compares sender domains with these."""
        url = f"{self.base}/v1.0/domains"
        try:
            return [row for page in self.pages(url, needs="Domain.Read.All")
                    for row in page if row.get("isVerified")]
        except MissingPermission:
            return None

    def optional(self, url: str, *, needs: str) -> dict | None:
        try:
            return self.get(url, needs=needs)
        except MissingPermission:
            return None


def graph_error(response: requests.Response, *, needs: str = "") -> ConnectorError:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code, message = error.get("code", ""), error.get("message", "") or response.reason
    if response.status_code == 403 and code == NO_PREMIUM:
        return NoPremiumLicense()
    if response.status_code in (401, 403):
        permission = f" Grant the application permission {needs} and admin consent." if (
            needs) else ""
        return MissingPermission(f"Graph refused the request ({response.status_code} "
                                 f"{code or 'Forbidden'}: {message}).{permission}")
    return ConnectorError(f"Graph answered {response.status_code} {code}: {message}")

"""The Exchange Online admin API (InvokeCommand), as the EXO V3 module uses it."""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

from readiness.connectors import transport
from readiness.connectors.endpoints import endpoints_for
from readiness.connectors.errors import ConnectorError, MissingPermission
from readiness.connectors.faultlog import fault_record
from readiness.connectors.models import TenantConnection
from readiness.connectors.tokens import app_forget, token_acquire, token_expired

ANCHOR = "APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{directory}"
MAX_PAGES = 1000
# A result whose warnings say it was cut short is read again this many times in all;
# if every read is cut short, the warning stays and the run is "partial".
TRUNCATED_ATTEMPTS = 3
NO_ROLE = ("The app has no Exchange role in this tenant: assign the Global Reader role "
           "to the application in Entra ID (Roles and administrators).")
NO_MANAGE_AS_APP = ("Exchange rejected the token (401): grant the application permission "
                    "Exchange.ManageAsApp (Office 365 Exchange Online) and admin consent.")


@dataclass
class CmdletResult:
    rows: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def strip_annotations(row: dict) -> dict:
    """Drop every key containing '@' (Guid@odata.type, @odata.context, ...)."""
    return {key: value for key, value in row.items() if "@" not in key}


class ExchangeClient:
    def __init__(self, *, connection: TenantConnection,
                 retry: transport.RetryPolicy = transport.DEFAULT_RETRY,
                 session: requests.Session | None = None):
        self.connection, self.retry = connection, retry
        self.session = session or transport.session_new()
        base = endpoints_for(cloud=connection.cloud).exchange
        self.url = f"{base}/adminapi/beta/{connection.directory_id}/InvokeCommand"

    def invoke(self, cmdlet: str, parameters: dict | None = None,
               keep: tuple[str, ...] = ()) -> CmdletResult:
        """Run one cmdlet; a result flagged as truncated is read again (bounded).
        `keep`: only these keys of each row are kept (a tenant's 200,000 mailboxes with
        every property held at once would take gigabytes)."""
        for attempt in range(TRUNCATED_ATTEMPTS):
            result = self._invoke_once(cmdlet, parameters, keep)
            if not result_truncated(result) or attempt == TRUNCATED_ATTEMPTS - 1:
                return result
            fault_record("truncated Exchange result")
        return result

    def _invoke_once(self, cmdlet: str, parameters: dict | None,
                     keep: tuple[str, ...]) -> CmdletResult:
        """Pages are followed by re-POSTing the same body."""
        shape = (lambda row: {k: row[k] for k in keep if k in row}) if keep else strip_annotations
        body = {"CmdletInput": {"CmdletName": cmdlet, "Parameters": parameters or {}}}
        result, url, seen = CmdletResult(), self.url, set()
        while url:
            if url in seen or len(seen) >= MAX_PAGES:
                result.warnings.append(f"{cmdlet}: paging stopped at a repeated page link")
                break
            seen.add(url)
            page = self._post(url, body)
            result.rows += [shape(row) for row in page.get("value", [])]
            result.warnings += [f"{cmdlet}: {w}" for w in page.get("@adminapi.warnings") or []]
            url = transport.next_link(page, origin=self.url)
        return result

    def _post(self, url: str, body: dict) -> dict:
        for renewed in (False, True):
            token = token_acquire(connection=self.connection, resource="exchange",
                                  retry=self.retry)
            headers = {
                "Authorization": f"Bearer {token}", "Accept": "application/json",
                # Constant across pages, so every page is served by the same mailbox server.
                "X-AnchorMailbox": ANCHOR.format(directory=self.connection.directory_id),
                "Prefer": "odata.maxpagesize=1000",
            }
            response = transport.send(self.session, "POST", url, retry=self.retry, json=body,
                                      headers=headers)
            if renewed or not token_expired(response):
                break
            fault_record("token expired")
            app_forget(self.connection)  # a fresh app: msal must not serve the same token
        if response.status_code == 200:
            return response.json()
        raise exchange_error(response, cmdlet=body["CmdletInput"]["CmdletName"])


def result_truncated(result: CmdletResult) -> bool:
    return any("truncated" in warning.lower() for warning in result.warnings)


def exchange_error(response: requests.Response, *, cmdlet: str) -> ConnectorError:
    if response.status_code == 401:
        return MissingPermission(NO_MANAGE_AS_APP)
    try:
        envelope = response.json()
    except ValueError:
        envelope = None
    if response.status_code == 403 and not isinstance(envelope, dict):
        # Observed: permission without a directory role -> 403 whose body is NUL bytes.
        return MissingPermission(NO_ROLE)
    text = error_text(envelope if isinstance(envelope, dict) else {}) or response.reason
    if response.status_code == 403:
        return MissingPermission(f"{cmdlet} was refused: {text}. {NO_ROLE}")
    return ConnectorError(f"{cmdlet} failed ({response.status_code}): {text}")


def error_text(envelope: dict) -> str:
    """The useful text: internalexception, else details[0] without |Type.Name|, else message."""
    error = envelope.get("error") or {}
    inner = ((error.get("innererror") or {}).get("internalexception") or {}).get("message")
    if inner:
        return inner
    details = error.get("details") or []
    if details and details[0].get("message"):
        message = details[0]["message"]
        if message.startswith("|") and message.count("|") >= 2:
            message = message.split("|", 2)[2]
        return message
    return error.get("message", "")

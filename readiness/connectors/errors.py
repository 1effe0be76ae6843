"""What can go wrong when we talk to Microsoft 365, classified for the operator.

`ConnectorError` is a `PermanentIngestError`: the remote side said no, so the run is
recorded as "failed" and not retried. `kind` says which kind of "no" it was, so the
status shown to the operator (missing permission, no licence, ...) is data, not a
parsed message. `TransientError` is the opposite: worth retrying later.
"""

from __future__ import annotations

from readiness.ingestion.choices import RunStatus
from readiness.ingestion.services import PermanentIngestError, TransientIngestError


class Kind:
    CREDENTIALS = "credentials"
    CONSENT = "consent"
    NOT_FOUND = "not_found"
    MISSING_PERMISSION = "missing_permission"
    NO_PREMIUM_LICENSE = "no_premium_license"
    NOT_CONFIGURED = "not_configured"
    TENANT_MISMATCH = "tenant_mismatch"  # a token for another directory than the connection's
    REMOTE = "error"


class ConnectorError(PermanentIngestError):
    """The remote side refused; `kind` classifies it (see Kind)."""

    def __init__(self, message: str, *, kind: str = Kind.REMOTE):
        super().__init__(message)
        self.kind = kind


class TokenError(ConnectorError):
    """msal could not get a token; the message says what to fix."""


class NoPremiumLicense(ConnectorError):
    """No Entra ID P1: a fact about the tenant, recorded as "unlicensed", not "failed"
    (a nightly `ingest --all` must not fail forever for every small customer)."""

    def __init__(self, message: str = "Sign-in logs need Entra ID P1"):
        super().__init__(message, kind=Kind.NO_PREMIUM_LICENSE)
        self.status = RunStatus.UNLICENSED


class MissingPermission(ConnectorError):
    def __init__(self, message: str):
        super().__init__(message, kind=Kind.MISSING_PERMISSION)


class TransientError(TransientIngestError):
    """Throttling or an outage outlasted our retries: the task retries later."""

from django.db import models


class Cloud(models.TextChoices):
    GLOBAL = "global", "Global (commercial)"
    USGOV = "usgov", "US Government (GCC High)"


class CredentialKind(models.TextChoices):
    NONE = "none", "Not set"
    SECRET = "secret", "Client secret"
    CERTIFICATE = "certificate", "Certificate"


class Health(models.TextChoices):
    NEVER = "never", "Not connected"
    OK = "ok", "Healthy"
    DEGRADED = "degraded", "Degraded"
    ERROR = "error", "Failing"


class AppSource(models.TextChoices):
    OWN = "own", "The tenant's own app registration"
    SHARED = "shared", "The MSP's shared multi-tenant app"


class Consent(models.TextChoices):
    NOT_NEEDED = "", "Not asked (own app registration)"
    WAITING = "waiting", "Waiting for consent"
    GRANTED = "granted", "Consent granted"
    DENIED = "denied", "Consent refused"


class Stage(models.TextChoices):
    """Where a tenant is on the onboarding board (connectors.selectors.stage_of)."""

    WAITING = "waiting", "Waiting for consent"
    CONSENTED = "consented", "Consented"
    ROLE_MISSING = "role_missing", "Role missing"
    FIRST_INGEST = "first_ingest", "First ingest running"
    READY = "ready", "Ready"
    REPORT_ONLY = "report_only", "Report-only"
    NOT_CONNECTED = "not_connected", "Not connected"

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cloud(models.TextChoices):
    GLOBAL = "global", _("Global (commercial)")
    USGOV = "usgov", _("US Government (GCC High)")


class CredentialKind(models.TextChoices):
    NONE = "none", _("Not set")
    SECRET = "secret", _("Client secret")
    CERTIFICATE = "certificate", _("Certificate")


class Health(models.TextChoices):
    NEVER = "never", _("Not connected")
    OK = "ok", _("Healthy")
    DEGRADED = "degraded", _("Degraded")
    ERROR = "error", _("Failing")


class AppSource(models.TextChoices):
    OWN = "own", _("The tenant's own app registration")
    SHARED = "shared", _("The MSP's shared multi-tenant app")


class Consent(models.TextChoices):
    NOT_NEEDED = "", _("Not asked (own app registration)")
    WAITING = "waiting", _("Waiting for consent")
    GRANTED = "granted", _("Consent granted")
    DENIED = "denied", _("Consent refused")


class Stage(models.TextChoices):
    """Where a tenant is on the onboarding board (connectors.selectors.stage_of)."""

    WAITING = "waiting", _("Waiting for consent")
    CONSENTED = "consented", _("Consented")
    ROLE_MISSING = "role_missing", _("Role missing")
    FIRST_INGEST = "first_ingest", _("First ingest running")
    READY = "ready", _("Ready")
    REPORT_ONLY = "report_only", _("Report-only")
    NOT_CONNECTED = "not_connected", _("Not connected")

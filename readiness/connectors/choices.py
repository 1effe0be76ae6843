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

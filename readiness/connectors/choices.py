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

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthMethod(models.TextChoices):
    BASIC = "basic", _("Basic")
    OAUTH = "oauth", _("OAuth")
    UNKNOWN = "unknown", _("Unknown")


class UsageSource(models.TextChoices):
    SIGNINS = "signins", _("Entra sign-in logs")
    DETAILED_REPORT = "detailed_report", _("Detailed SMTP AUTH report")
    EXPORT = "export", _("SMTP AUTH clients Export")

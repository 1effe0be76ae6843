from django.db import models


class AuthMethod(models.TextChoices):
    BASIC = "basic", "Basic"
    OAUTH = "oauth", "OAuth"
    UNKNOWN = "unknown", "Unknown"


class UsageSource(models.TextChoices):
    SIGNINS = "signins", "Entra sign-in logs"
    DETAILED_REPORT = "detailed_report", "Detailed SMTP AUTH report"
    EXPORT = "export", "SMTP AUTH clients Export"

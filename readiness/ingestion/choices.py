from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    SIGNINS = "signins", _("Sign-in logs (Graph)")
    EXCHANGE = "exchange", _("Exchange settings (admin API)")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Succeeded")
    PARTIAL = "partial", _("Partial (possibly truncated)")
    # "failed": the remote side said no (credentials, licence, permission).
    FAILED = "failed", _("Failed")
    # "errored": our code or the transport broke; retried.
    ERRORED = "errored", _("Errored")
    SKIPPED = "skipped", _("Skipped (already running)")

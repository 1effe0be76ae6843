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
    # "unlicensed": the tenant's licence does not include this source (sign-in logs
    # without Entra ID P1). A fact about the tenant, not a failure: `ingest` exits 0.
    UNLICENSED = "unlicensed", _("Not in the tenant's licence")

from django.db import models


class Source(models.TextChoices):
    SIGNINS = "signins", "Sign-in logs (Graph)"
    EXCHANGE = "exchange", "Exchange settings (admin API)"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    OK = "ok", "Succeeded"
    PARTIAL = "partial", "Partial (possibly truncated)"
    # "failed": the remote side said no (credentials, licence, permission).
    FAILED = "failed", "Failed"
    # "errored": our code or the transport broke; retried.
    ERRORED = "errored", "Errored"
    SKIPPED = "skipped", "Skipped (already running)"

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
    # "unlicensed": the tenant's licence does not include this source (sign-in logs
    # without Entra ID P1). A fact about the tenant, not a failure: `ingest` exits 0.
    UNLICENSED = "unlicensed", "Not in the tenant's licence"

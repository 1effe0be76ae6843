from __future__ import annotations

from django.db import models
from django.utils import timezone

from readiness.ingestion.choices import RunStatus, Source
from readiness.tenancy.models import TenantOwned


class IngestSchedule(TenantOwned):
    """Per tenant and source: when the next ingest is due, its lease and its watermark.

    The lease is claimed with a conditional UPDATE (see services.lease_claim), so two
    workers never ingest the same tenant and source at once, without a lock server.
    """

    source = models.CharField(max_length=20, choices=Source.choices)
    enabled = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    watermark = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=10, choices=RunStatus.choices, blank=True)
    last_message = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "source"], name="schedule_unique_source"),
        ]
        indexes = [models.Index(fields=["next_run_at"], name="schedule_due_idx")]

    def __str__(self) -> str:
        return f"{self.tenant} · {self.source}"


class IngestRun(TenantOwned):
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    triggered_by = models.CharField(max_length=40, default="schedule")
    # Beaten by the source after every page; a RUNNING run whose heartbeat is older than
    # READINESS_STALE_AFTER lost its worker (services.runs_sweep).
    heartbeat_at = models.DateTimeField(default=timezone.now)
    lease_owner = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["tenant", "source", "-started_at"], name="run_recent_idx")]

    def __str__(self) -> str:
        return f"{self.tenant} · {self.source} · {self.status}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None

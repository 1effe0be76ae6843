from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.imports.choices import ImportChannel, ImportStatus, ReportFormat
from readiness.tenancy.models import Tenant, TenantOwned
from readiness.usage.choices import AuthMethod

MESSAGE_ID_MAX = 998  # RFC 5322 line limit: no real Message-ID is longer


class ReportImport(TenantOwned):
    """One report file brought in by upload, command line or drop folder: a run as data.

    ``progress_done``/``progress_total`` are bytes of the file read by the running pass
    (parse or apply); the status endpoint turns them into the progress bar.
    """

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    file_size = models.BigIntegerField(default=0)
    stored_path = models.CharField(max_length=500, blank=True,
                                   help_text=_("Relative to REPORT_UPLOAD_DIR; never served."))
    channel = models.CharField(max_length=10, choices=ImportChannel.choices,
                               default=ImportChannel.WEB)
    format = models.CharField(max_length=10, choices=ReportFormat.choices, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    date_order = models.CharField(max_length=4, blank=True)
    date_order_ambiguous = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    senders = models.PositiveIntegerField(default=0)
    messages_basic = models.PositiveBigIntegerField(default=0)
    messages_oauth = models.PositiveBigIntegerField(default=0)
    messages_unknown = models.PositiveBigIntegerField(default=0)
    new_messages = models.PositiveIntegerField(
        default=0, help_text=_("Detailed report rows whose message ID was not already known."))
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    period_stated = models.BooleanField(
        default=False,
        help_text=_("The period was stated by a person (Export files have no dates)."))
    status = models.CharField(max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)
    error_column = models.CharField(max_length=100, blank=True)
    error_value = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Beaten on every state change and progress step; a running import whose heartbeat is
    # older than READINESS_STALE_AFTER lost its worker (services.stuck_sweep).
    heartbeat_at = models.DateTimeField(default=timezone.now)
    sweeps = models.PositiveSmallIntegerField(
        default=0, help_text=_("How often the sweeper found it stuck and re-queued it."))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live import per file and tenant: the same SHA-256 twice is a no-op.
            models.UniqueConstraint(
                fields=["tenant", "sha256"],
                condition=models.Q(status__in=["importing", "imported"]),
                name="reportimport_one_live_per_file",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="reportimport_recent_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.IMPORTED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))


class ReportMessage(TenantOwned):
    """One message from a detailed report. The message ID is the dedupe key: the same
    message in two overlapping reports is counted once, owned by the first import.

    A bulk, append-mostly table (a million rows per big report): its foreign keys are
    not enforced by the database (db_constraint=False) because deferred FK checks of a
    million rows cost more at COMMIT than the whole merge. Integrity comes from the one
    writer (staging.py joins on existing senders and sets tenant and import itself) and
    Django's on_delete cascades, which run in the ORM either way.
    """

    # The primary key IS the dedupe key: one index fewer to maintain per inserted row.
    pk = models.CompositePrimaryKey("tenant", "message_id")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    message_id = models.CharField(max_length=MESSAGE_ID_MAX)
    # Deleting an import filters on (tenant, day range, import): the day index serves it.
    report_import = models.ForeignKey(ReportImport, on_delete=models.CASCADE,
                                      related_name="messages", db_index=False,
                                      db_constraint=False)
    day = models.DateField()
    sender = models.ForeignKey("senders.Sender", on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    auth_method = models.CharField(max_length=10, choices=AuthMethod.choices)
    count = models.PositiveIntegerField(default=1)
    client_ip = models.CharField(max_length=64, blank=True)
    tls_version = models.CharField(max_length=16, blank=True)

    class Meta:
        # (tenant, day) serves the day-range recompute and an import's deletion; sender
        # lookups (observations, a sender's deletion) are rare and scan the tenant's rows.
        indexes = [models.Index(fields=["tenant", "day"], name="reportmessage_day_idx")]


class ExportAggregate(TenantOwned):
    """A sender's totals over a stated period from an Export file. For the same sender,
    period and protocol the latest import wins (its row replaces the older one)."""

    sender = models.ForeignKey("senders.Sender", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    auth_method = models.CharField(max_length=10, choices=AuthMethod.choices)
    tls10 = models.FloatField(default=0)
    tls11 = models.FloatField(default=0)
    tls12 = models.FloatField(default=0)
    messages = models.PositiveBigIntegerField(default=0)
    report_import = models.ForeignKey(ReportImport, on_delete=models.CASCADE,
                                      related_name="aggregates")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "sender", "period_start", "period_end", "auth_method"],
                name="exportaggregate_natural_key",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "period_start", "period_end"],
                                name="exportaggregate_period_idx")]

from __future__ import annotations

from django.db import models

from readiness.tenancy.models import TenantOwned
from reports.usage.choices import AuthMethod, UsageSource


class DailyUsage(TenantOwned):
    """One fact row: a sender's SMTP AUTH activity on one UTC day, by method and source.

    Every source writes its own rows, so coverage per source stays visible and deleting
    an import or re-reading sign-ins only ever touches that source's rows.
    """

    sender = models.ForeignKey("senders.Sender", on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    auth_method = models.CharField(max_length=10, choices=AuthMethod.choices)
    source = models.CharField(max_length=20, choices=UsageSource.choices)
    messages = models.PositiveIntegerField(default=0)
    signins = models.PositiveIntegerField(default=0)
    failed_signins = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "sender", "day", "auth_method", "source"],
                name="dailyusage_natural_key",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "day"], name="dailyusage_tenant_day_idx"),
            models.Index(fields=["sender", "day"], name="dailyusage_sender_day_idx"),
        ]


class SignInEvent(TenantOwned):
    """A raw Basic SMTP sign-in from the Entra sign-in log, deduplicated by its id."""

    record_id = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    sender = models.ForeignKey("senders.Sender", on_delete=models.CASCADE,
                               related_name="signin_events")
    user_principal_name = models.CharField(max_length=320)
    user_display_name = models.CharField(max_length=256, blank=True)
    user_id = models.CharField(max_length=64, blank=True)
    ip_address = models.CharField(max_length=64, blank=True)
    client_app = models.CharField(max_length=64, blank=True)
    error_code = models.IntegerField(default=0)
    failure_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "record_id"], name="signin_unique_record"),
        ]
        indexes = [models.Index(fields=["tenant", "created_at"], name="signin_tenant_time_idx")]


class ClientObservation(TenantOwned):
    """Which client IPs and TLS versions a sender was seen with, and when."""

    sender = models.ForeignKey("senders.Sender", on_delete=models.CASCADE,
                               related_name="observations")
    source = models.CharField(max_length=20, choices=UsageSource.choices)
    client_ip = models.CharField(max_length=64, blank=True)
    tls_version = models.CharField(max_length=16, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    messages = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "sender", "source", "client_ip", "tls_version"],
                name="observation_natural_key",
            ),
        ]

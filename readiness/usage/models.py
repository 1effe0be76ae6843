from __future__ import annotations

from django.db import models

from readiness.tenancy.models import Tenant, TenantOwned
from readiness.usage.choices import AuthMethod, UsageSource


class DailyUsage(TenantOwned):
    """One fact row: a sender's SMTP AUTH activity on one UTC day, by method and source.

    Every source writes its own rows, so coverage per source stays visible and deleting
    an import or re-reading sign-ins only ever touches that source's rows.
    """

    # No single-column indexes on the two foreign keys: the natural key leads with
    # tenant and the (sender, day) index with sender, so each would be a duplicate that
    # every import still had to maintain (the largest fact table). Deletes cascading from
    # a tenant or a sender use those leading columns.
    # Nor database constraints (db_constraint=False), as on ReportMessage: an import
    # writes hundreds of thousands of facts and PostgreSQL checks a deferred foreign key
    # per row at COMMIT (11-16 s for a large report, bench/README.md). Every writer is
    # set-based SQL joining the senders it refers to, and deletes cascade in the ORM.
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    sender = models.ForeignKey("senders.Sender", on_delete=models.CASCADE, related_name="usage",
                               db_index=False, db_constraint=False)
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

    # No tenant_id index of its own: the unique (tenant, record_id) and the (tenant,
    # created_at) index both lead with it, and every ingested event paid for a third.
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    record_id = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    # Empty for a failed sign-in on an address that never sent (password spraying):
    # an attempt is not a sender.
    sender = models.ForeignKey("senders.Sender", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="signin_events")
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


class CoveredDay(TenantOwned):
    """A UTC day a source is known to have covered in full, traffic or not.

    Without it a day with no rows is ambiguous: "nobody sent" or "nobody looked". The
    sign-in ingest records the days its read window spanned; the importer records the
    periods of the imported reports (recomputed, so deleting an import removes them).
    The charts draw an uncovered day as a gap and the tables say "no data".
    """

    source = models.CharField(max_length=20, choices=UsageSource.choices)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "source", "day"],
                                    name="coveredday_unique"),
        ]
        indexes = [models.Index(fields=["tenant", "day"], name="coveredday_tenant_day_idx")]


class ClientObservation(TenantOwned):
    """Which client IPs and TLS versions a sender was seen with, and when."""

    # The natural key leads with tenant: a tenant_id index of its own would duplicate it.
    # The sender_id index stays (the natural key cannot serve a lookup by sender alone).
    # No database constraints on either, for the reason given on DailyUsage.
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    sender = models.ForeignKey("senders.Sender", on_delete=models.CASCADE,
                               related_name="observations", db_constraint=False)
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


class TenantDay(TenantOwned):
    """Rollup: one tenant's SMTP AUTH activity on one day, de-duplicated across sources.

    Written only by `readiness.usage.rollups`. Messages per method are the largest figure
    any single source reported for that sender and day (two sources describe the same
    mail, so adding them would double-count). `sources` lists the sources that had a
    row that day: the coverage strip reads it, so a gap is not mistaken for "no usage".
    `basic_senders_by_status` counts senders with Basic use in the 7 days ending on
    `day`, by their current migration status (the burndown).
    """

    day = models.DateField()
    basic_messages = models.PositiveIntegerField(default=0)
    oauth_messages = models.PositiveIntegerField(default=0)
    unknown_messages = models.PositiveIntegerField(default=0)
    basic_signins = models.PositiveIntegerField(default=0)
    failed_signins = models.PositiveIntegerField(default=0)
    basic_senders = models.PositiveIntegerField(default=0)
    basic_senders_by_status = models.JSONField(default=dict, blank=True)
    sources = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "day"], name="tenantday_unique_day"),
        ]


class SenderRollup(TenantOwned):
    """Rollup: one sender's last 30 days (ending `window_end`), for sorting the table."""

    sender = models.OneToOneField("senders.Sender", on_delete=models.CASCADE,
                                  related_name="rollup")
    basic_messages_30d = models.PositiveIntegerField(default=0)
    oauth_messages_30d = models.PositiveIntegerField(default=0)
    basic_signins_30d = models.PositiveIntegerField(default=0)
    failed_signins_30d = models.PositiveIntegerField(default=0)
    window_end = models.DateField()

    class Meta:
        # (tenant, figure, sender): the sender table sorted by a figure reads the first
        # page straight off the index (either direction, sender as the tie-breaker).
        indexes = [
            models.Index(fields=["tenant", "basic_messages_30d", "sender"],
                         name="senderrollup_basic_idx"),
            models.Index(fields=["tenant", "oauth_messages_30d", "sender"],
                         name="senderrollup_oauth_idx"),
            models.Index(fields=["tenant", "basic_signins_30d", "sender"],
                         name="senderrollup_signins_idx"),
        ]

    @property
    def uses_basic(self) -> bool:
        return bool(self.basic_messages_30d or self.basic_signins_30d)


class TenantRollup(TenantOwned):
    """Rollup: the figures one portfolio row and the tenant's KPI cards show.

    The score is computed by readiness/usage/readiness.py; `score` is None when no
    component is known.
    """

    # One-to-one so the portfolio can select_related it from Tenant in the same query.
    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="usage_rollup")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    basic_senders_30d = models.PositiveIntegerField(default=0)
    basic_messages_30d = models.PositiveIntegerField(default=0)
    smtp_messages_30d = models.PositiveIntegerField(default=0)
    basic_messages_7d = models.PositiveIntegerField(default=0)
    basic_signins_30d = models.PositiveIntegerField(default=0)
    failed_signins_30d = models.PositiveIntegerField(default=0)
    basic_messages_14d_trend = models.JSONField(default=list, blank=True)
    senders_total = models.PositiveIntegerField(default=0)
    senders_done = models.PositiveIntegerField(default=0)
    mailboxes_total = models.PositiveIntegerField(default=0)
    mailboxes_basic_possible = models.PositiveIntegerField(default=0)
    # Configuration says Basic cannot work, yet Basic succeeded in the window
    # (readiness.usage.evidence): counted against readiness.
    mailboxes_conflict = models.PositiveIntegerField(default=0)
    mailboxes_by_state = models.JSONField(default=dict, blank=True)
    senders_by_tls = models.JSONField(default=dict, blank=True)
    last_day_by_source = models.JSONField(default=dict, blank=True)
    data_days = models.PositiveIntegerField(default=0)
    window_end = models.DateField()
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["score"], name="tenantrollup_score_idx")]

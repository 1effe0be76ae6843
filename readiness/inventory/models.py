from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from readiness.core.addresses import AddressField
from readiness.inventory.choices import EffectiveState, SmtpAuthSwitch
from readiness.tenancy.models import TenantOwned


class Mailbox(TenantOwned):
    address = AddressField()
    display_name = models.CharField(max_length=256, blank=True)
    # Entra object id of the mailbox's user (ExternalDirectoryObjectId): sign-ins join on
    # it, because the UPN often differs from the primary address.
    object_id = models.CharField(max_length=64, blank=True)
    # Every other SMTP address (EmailAddresses "smtp:" entries, lower case): report rows
    # sent from an alias still belong to this mailbox.
    proxy_addresses = models.JSONField(default=list, blank=True)
    recipient_type = models.CharField(max_length=64, blank=True)
    smtp_auth = models.CharField(
        "SMTP AUTH switch", max_length=10, choices=SmtpAuthSwitch.choices,
        default=SmtpAuthSwitch.INHERIT,
    )
    # As Get-User returns it: a policy name, a distinguished name, or empty.
    authentication_policy = models.CharField(max_length=512, blank=True)
    effective_state = models.CharField(
        max_length=20, choices=EffectiveState.choices, default=EffectiveState.UNKNOWN
    )
    effective_reason = models.CharField(max_length=500, blank=True)
    # When a snapshot first showed Basic blocked after an earlier one showed it possible:
    # "Basic last succeeded before the block of DATE" (null: never seen to change).
    blocked_since = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["address"]
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "address"], name="mailbox_unique_address"),
        ]
        indexes = [models.Index(fields=["tenant", "effective_state"], name="mailbox_state_idx"),
                   # The sign-in ingest and the evidence join sign-ins to mailboxes by the
                   # user's object id: without it, every batch scans the tenant's mailboxes.
                   models.Index(fields=["tenant", "object_id"], name="mailbox_object_idx")]

    def __str__(self) -> str:
        return self.address


class TenantSettings(TenantOwned):
    """The latest complete snapshot of the organisation-wide inputs to the resolver.

    `None` on a field means "not collected" (for example a missing permission); the
    resolver treats that as unknown, never as "not blocking".
    """

    smtp_client_auth_disabled = models.BooleanField(null=True)
    default_authentication_policy = models.CharField(max_length=512, blank=True)
    security_defaults_enabled = models.BooleanField(null=True)
    # Enabled Conditional Access policies that block legacy clients; None = unknown.
    conditional_access_blocks = models.JSONField(null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    is_stale = models.BooleanField(default=False)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = _("tenant settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="settings_one_per_tenant")]

    def __str__(self) -> str:
        return f"Settings of {self.tenant}"


class AuthenticationPolicy(TenantOwned):
    name = models.CharField(max_length=256)
    distinguished_name = models.CharField(max_length=1024, blank=True)
    allow_basic_auth_smtp = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("authentication policies")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="authpolicy_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.core.addresses import AddressField
from readiness.senders.choices import (
    DeviceType,
    ExceptionKind,
    MigrationPath,
    OAuthSupport,
    SenderStatus,
    TicketEventKind,
    TicketPriority,
    TicketStatus,
)
from readiness.tenancy.models import TenantOwned


class DeviceModel(models.Model):
    """A catalogue entry shared by all tenants: does this device/app speak OAuth?

    Vendor entries carry their evidence (a public vendor statement and the day it was
    reviewed); generic entries are the fallback for devices nobody has looked up yet.
    Initial data: readiness/senders/data/devices.json, frozen in a data migration.
    """

    vendor = models.CharField(max_length=120)
    model = models.CharField(max_length=160, help_text=_("The product or model family."))
    device_type = models.CharField(max_length=20, choices=DeviceType.choices,
                                   default=DeviceType.PRINTER)
    oauth_support = models.CharField(max_length=10, choices=OAuthSupport.choices,
                                     default=OAuthSupport.UNKNOWN)
    min_version = models.CharField("OAuth from version", max_length=120, blank=True)
    auth_flow = models.CharField("OAuth flow", max_length=120, blank=True)
    models_covered = models.JSONField("Models named", default=list, blank=True)
    evidence_url = models.URLField(_("Source"), blank=True)
    reviewed_on = models.DateField(_("Reviewed"), null=True, blank=True)
    is_generic = models.BooleanField(
        default=False, help_text=_("An illustrative fallback without a vendor statement."))
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["is_generic", "vendor", "model"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "model"], name="devicemodel_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.model}"


class Sender(TenantOwned):
    """An address seen submitting mail through SMTP AUTH, and its remediation."""

    address = AddressField()
    display_name = models.CharField(max_length=256, blank=True)
    mailbox = models.ForeignKey(
        "inventory.Mailbox", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="senders",
    )
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    last_basic_day = models.DateField(null=True, blank=True)

    status = models.CharField(max_length=20, choices=SenderStatus.choices,
                              default=SenderStatus.NEW)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    migration_path = models.CharField(max_length=20, choices=MigrationPath.choices, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_senders",
    )
    owner_name = models.CharField("external owner name", max_length=200, blank=True)
    owner_email = AddressField("external owner e-mail", blank=True)
    team = models.CharField(max_length=120, blank=True)
    device_type = models.CharField(max_length=20, choices=DeviceType.choices,
                                   default=DeviceType.UNKNOWN)
    device_model = models.ForeignKey(DeviceModel, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="senders")
    vendor = models.CharField(max_length=120, blank=True)
    model = models.CharField(max_length=160, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "address"], name="sender_unique_address"),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="sender_status_idx")]

    def __str__(self) -> str:
        return self.address

    @property
    def owner_label(self) -> str:
        if self.owner_user_id:
            user = self.owner_user
            return user.get_full_name() or user.get_username()
        return self.owner_name or self.owner_email

    @property
    def needs_relay(self) -> bool:
        """True when the linked catalogue device cannot do OAuth at all (see selectors)."""
        return bool(self.device_model_id and self.device_model.oauth_support == OAuthSupport.NO)


class Ticket(TenantOwned):
    """A remediation ticket covering one sender or a group of senders."""

    title = models.CharField(max_length=200)
    senders = models.ManyToManyField(Sender, related_name="tickets", blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    status = models.CharField(max_length=20, choices=TicketStatus.choices,
                              default=TicketStatus.OPEN)
    priority = models.CharField(max_length=10, choices=TicketPriority.choices,
                                default=TicketPriority.NORMAL)
    priority_overridden = models.BooleanField(default=False)
    due_date = models.DateField(null=True, blank=True)
    external_id = models.CharField("ITSM ticket ID", max_length=120, blank=True)
    external_url = models.URLField("ITSM ticket URL", blank=True)
    # Optimistic concurrency: every write bumps it with a conditional UPDATE.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "-priority"]
        indexes = [models.Index(fields=["tenant", "status"], name="ticket_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("senders:ticket", args=[self.tenant.slug, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in (TicketStatus.DONE, TicketStatus.CANCELLED)


class SenderStatusChange(TenantOwned):
    """One step of a sender through the status machine: who, when, from, to and why."""

    sender = models.ForeignKey(Sender, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=SenderStatus.choices)
    to_status = models.CharField(max_length=20, choices=SenderStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=20, default="web")
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["sender", "-created_at"], name="statuschange_sender_idx")]

    def __str__(self) -> str:
        return f"{self.sender} {self.from_status} → {self.to_status}"

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else f"workflow ({self.source})"


class SenderException(TenantOwned):
    """An approved, expiring decision to keep Basic (or SMTP AUTH) alive for a sender."""

    sender = models.ForeignKey(Sender, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(max_length=20, choices=ExceptionKind.choices,
                            default=ExceptionKind.STATUS)
    reason = models.TextField()
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    expires_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=20, blank=True)  # expired / withdrawn

    class Meta:
        ordering = ["expires_on"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "kind"], condition=Q(ended_at__isnull=True),
                                    name="senderexception_one_active_per_kind"),
        ]
        indexes = [models.Index(fields=["tenant", "expires_on"], name="exception_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.sender} · {self.get_kind_display()} until {self.expires_on}"


class TicketComment(TenantOwned):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.ticket_id} by {self.author}"


class TicketEvent(TenantOwned):
    """The ticket's history: every field change, assignment and comment."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=TicketEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(default=dict, blank=True)  # field -> [before, after]
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} v{self.version}"

from __future__ import annotations

from django.conf import settings
from django.db import models

from readiness.senders.choices import (
    DeviceType,
    MigrationPath,
    OAuthSupport,
    SenderStatus,
    TicketPriority,
    TicketStatus,
)
from readiness.tenancy.models import TenantOwned


class DeviceModel(models.Model):
    """A catalogue entry shared by all tenants: does this device/app speak OAuth?"""

    vendor = models.CharField(max_length=120)
    model = models.CharField(max_length=160)
    device_type = models.CharField(max_length=20, choices=DeviceType.choices,
                                   default=DeviceType.PRINTER)
    oauth_support = models.CharField(max_length=10, choices=OAuthSupport.choices,
                                     default=OAuthSupport.UNKNOWN)
    evidence_url = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["vendor", "model"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "model"], name="devicemodel_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.model}"


class Sender(TenantOwned):
    """An address seen submitting mail through SMTP AUTH, and its remediation."""

    address = models.EmailField(max_length=320)
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
    owner_email = models.EmailField("external owner e-mail", blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "-priority"]
        indexes = [models.Index(fields=["tenant", "status"], name="ticket_status_idx")]

    def __str__(self) -> str:
        return self.title

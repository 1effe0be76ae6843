from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from readiness.core import crypto
from readiness.notifications.choices import DeliveryStatus
from readiness.tenancy.models import TenantOwned


class Webhook(TenantOwned):
    """An outbound webhook: JSON events signed with HMAC-SHA256 over timestamp + body."""

    name = models.CharField(max_length=120)
    url = models.URLField(max_length=500)
    secret_encrypted = models.TextField(editable=False)
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_secret(self, secret: str) -> None:
        self.secret_encrypted = crypto.encrypt(secret)

    def get_secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    def clean(self):
        # Every write path (the tenant's form, the service, the admin) checks the URL.
        from readiness.core.outbound import destination_check

        if self.url:
            try:
                destination_check(self.url)
            except ValidationError as exc:
                raise ValidationError({"url": exc.messages}) from None

    def wants(self, event: str) -> bool:
        return self.active and event in (self.events or [])


class WebhookDelivery(TenantOwned):
    """One delivery attempt. A retry is a new row with the same delivery_id."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    event = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # A short error class ("timeout", "blocked destination", "HTTP 500"), never a
    # response body or exception text (readiness/core/outbound.py).
    error = models.CharField(max_length=40, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["tenant", "-created_at"], name="delivery_tenant_time_idx")]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} #{self.attempt}"


class Notification(TenantOwned):
    """A sent notification, keyed so the same news is never sent twice."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    recipients = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "key"],
                                    name="notification_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"

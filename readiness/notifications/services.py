"""Notifications: e-mail through Django's e-mail backend and signed outbound webhooks.

Callers enqueue these with transaction.on_commit, so a rolled-back change never
notifies. `Notification` rows key each piece of news so it is sent once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from readiness.core import outbound
from readiness.core.text import reveal_controls
from readiness.notifications.choices import DeliveryStatus
from readiness.notifications.models import Notification, Webhook, WebhookDelivery
from readiness.tenancy.audit import audit_record
from readiness.tenancy.choices import Role
from readiness.tenancy.language import languages_by_email
from readiness.tenancy.models import Membership, Tenant

SIGNATURE_HEADER = "X-Readiness-Signature"
TIMESTAMP_HEADER = "X-Readiness-Timestamp"
MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 10


# --- signing -------------------------------------------------------------------------

def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """sha256=<hex HMAC-SHA256 of "<timestamp>." + raw body>."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(*, secret: str, timestamp: str, body: bytes, signature: str,
           tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does: recompute, compare in constant time, reject stale stamps."""
    try:
        age = abs((now or time.time()) - int(timestamp))
    except ValueError:
        return False
    expected = sign(secret=secret, timestamp=timestamp, body=body)
    return age <= tolerance and hmac.compare_digest(expected, signature)


# --- webhooks ------------------------------------------------------------------------

def webhooks_emit(*, tenant: Tenant, event: str, data: dict) -> list[int]:
    """One pending delivery per subscribed webhook, each handed to the delivery task."""
    from readiness.notifications.tasks import deliver_webhook

    ids = []
    for webhook in Webhook.objects.for_tenant(tenant).filter(active=True):
        if not webhook.wants(event):
            continue
        delivery = WebhookDelivery(tenant=tenant, webhook=webhook, event=event)
        delivery.payload = {"id": str(delivery.delivery_id), "event": event,
                            "tenant": tenant.slug, "created_at": timezone.now().isoformat(),
                            "data": data}
        delivery.save()
        ids.append(delivery.pk)
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk))
    return ids


def webhook_attempt(*, delivery_id: int) -> int | None:
    """POST one delivery. Returns the id of the next attempt's row when it should be
    retried, else None. 4xx other than 408/429 are permanent: recorded, not retried."""
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return None  # a redelivered task message: this attempt already ran
    body = webhook_body(delivery.payload)
    code, error, elapsed = _post(delivery, body)
    # A refused destination is refused again on retry: recorded once, not retried.
    retryable = (code is None and error not in outbound.PERMANENT) or (
        code is not None and (code >= 500 or code in (408, 429)))
    delivery.status_code, delivery.error, delivery.duration_ms = code, error[:40], elapsed
    delivery.attempted_at = timezone.now()
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.SUCCEEDED
    elif retryable and delivery.attempt < MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.GAVE_UP
    delivery.save()
    if delivery.status != DeliveryStatus.FAILED:
        return None
    return WebhookDelivery.objects.create(
        tenant_id=delivery.tenant_id, webhook_id=delivery.webhook_id,
        delivery_id=delivery.delivery_id, event=delivery.event, payload=delivery.payload,
        attempt=delivery.attempt + 1).pk


def webhook_body(payload: dict) -> bytes:
    # ensure_ascii: a bidi override in a tenant or sender name travels as its \u escape,
    # never as a raw character that a receiver's log or chat message would render.
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _post(delivery: WebhookDelivery, body: bytes) -> tuple[int | None, str, int]:
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": "smtp-auth-readiness",
               "X-Readiness-Event": delivery.event,
               "X-Readiness-Delivery": str(delivery.delivery_id), TIMESTAMP_HEADER: timestamp,
               SIGNATURE_HEADER: sign(secret=delivery.webhook.get_secret(),
                                      timestamp=timestamp, body=body)}
    started = time.monotonic()
    # Public destinations only, checked on the address actually connected to; the
    # response body is never read, only its status (readiness/core/outbound.py).
    code, error = outbound.post(delivery.webhook.url, data=body, headers=headers,
                                timeout=TIMEOUT_SECONDS)
    return code, error, int((time.monotonic() - started) * 1000)


# --- e-mail --------------------------------------------------------------------------

def notify_once(*, tenant: Tenant, kind: str, key: str, recipients: list[str]) -> bool:
    """Claims the right to send this news; False when it was already sent."""
    try:
        with transaction.atomic():
            Notification.objects.create(tenant=tenant, kind=kind, key=key[:120],
                                        recipients=recipients)
    except IntegrityError:
        return False
    return True


def email_send(subject: str, body: str, recipients: list[str]) -> None:
    recipients = sorted({r for r in recipients if r})
    if recipients:
        # Mail clients render bidi overrides in tenant and sender names as they would
        # on a page: every e-mail goes out through here, with the controls made visible.
        send_mail(reveal_controls(subject), reveal_controls(body), settings.DEFAULT_FROM_EMAIL,
                  recipients)


def email_send_localised(compose, recipients: list[str]) -> None:
    """One e-mail per recipient language: `compose()` returns (subject, body) and is
    called with each language active, so gettext inside it speaks the recipient's."""
    by_language: dict[str, list[str]] = {}
    for email, language in languages_by_email(recipients).items():
        by_language.setdefault(language, []).append(email)
    for language, emails in sorted(by_language.items()):
        with translation.override(language):
            subject, body = compose()
        email_send(str(subject), str(body), emails)


def managers_emails(tenant: Tenant) -> list[str]:
    return list(Membership.objects.for_tenant(tenant).filter(role=Role.MANAGER)
                .values_list("user__email", flat=True))


# --- management ----------------------------------------------------------------------

def webhook_create(*, tenant: Tenant, name: str, url: str, events: list[str],
                   secret: str = "", actor=None, ip: str = "",
                   source: str = "web") -> tuple[Webhook, str]:
    """Returns the webhook and its secret (generated when empty; stored encrypted)."""
    secret = secret or secrets.token_urlsafe(32)
    webhook = Webhook(tenant=tenant, name=name, url=url, events=sorted(set(events)))
    webhook.set_secret(secret)
    webhook.full_clean()
    webhook.save()
    audit_record(actor=actor, tenant=tenant, action="webhook.create", obj=webhook,
                 after={"url": url, "events": webhook.events, "secret": "set"}, ip=ip,
                 source=source)
    return webhook, secret


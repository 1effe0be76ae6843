"""Outbound webhooks against a REAL local HTTP server: signature and retry."""

import json

from readiness.notifications import services
from readiness.notifications.choices import DeliveryStatus
from readiness.notifications.models import WebhookDelivery
from readiness.notifications.tasks import deliver_webhook
from readiness.senders.services import messages
from tests.factories import WebhookFactory


def _hook(tenant, server, **kwargs):
    return WebhookFactory(tenant=tenant, url=f"http://127.0.0.1:{server.server_port}/hook",
                          **kwargs)


def test_the_payload_is_signed_so_the_receiver_can_verify_it(tenant_a, receiver,
                                                             django_capture_on_commit_callbacks):
    _hook(tenant_a, receiver)
    with django_capture_on_commit_callbacks(execute=False):
        [delivery_id] = services.webhooks_emit(tenant=tenant_a, event="sender.regressed",
                                               data={"address": "scanner@a.example"})
    deliver_webhook.apply(args=[delivery_id])
    [(headers, body)] = receiver.received
    # Recompute the HMAC exactly as a receiver would: over "<timestamp>." + raw body.
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret-hook-key", headers["X-Readiness-Timestamp"].encode() + b"."
                        + body, hashlib.sha256).hexdigest()
    assert headers["X-Readiness-Signature"] == f"sha256={expected}"
    assert services.verify(secret="s3cret-hook-key", timestamp=headers["X-Readiness-Timestamp"],
                           body=body, signature=headers["X-Readiness-Signature"])
    assert json.loads(body)["data"] == {"address": "scanner@a.example"}
    assert WebhookDelivery.objects.get(pk=delivery_id).status == DeliveryStatus.SUCCEEDED


def test_a_tampered_body_or_an_old_timestamp_fails_verification():
    signature = services.sign(secret="k", timestamp="1000", body=b"{}")
    assert services.verify(secret="k", timestamp="1000", body=b"{}", signature=signature,
                           now=1100)
    assert not services.verify(secret="k", timestamp="1000", body=b"{ }", signature=signature,
                               now=1100)
    assert not services.verify(secret="k", timestamp="1000", body=b"{}", signature=signature,
                               now=5000)
    assert not services.verify(secret="other", timestamp="1000", body=b"{}",
                               signature=signature, now=1100)


def test_a_failed_delivery_is_retried_and_every_attempt_is_logged(tenant_a, receiver,
                                                                  django_capture_on_commit_callbacks):
    receiver.codes = [500]
    hook = _hook(tenant_a, receiver)
    with django_capture_on_commit_callbacks(execute=False):
        [delivery_id] = services.webhooks_emit(tenant=tenant_a, event="ticket.assigned",
                                               data={"ticket": 1})
    deliver_webhook.apply(args=[delivery_id])
    attempts = list(WebhookDelivery.objects.filter(webhook=hook).order_by("attempt"))
    assert [(a.attempt, a.status, a.status_code) for a in attempts] == [
        (1, DeliveryStatus.FAILED, 500), (2, DeliveryStatus.SUCCEEDED, 204)]
    assert len(receiver.received) == 2
    assert attempts[0].delivery_id == attempts[1].delivery_id
    assert all(a.duration_ms is not None for a in attempts)
    # Both attempts carry the same event id, so a receiver can de-duplicate.
    ids = {json.loads(body)["id"] for _, body in receiver.received}
    assert len(ids) == 1


def test_a_client_error_is_permanent_and_not_retried(tenant_a, receiver):
    receiver.codes = [404]
    hook = _hook(tenant_a, receiver)
    delivery = WebhookDelivery.objects.create(tenant=tenant_a, webhook=hook, event="x",
                                              payload={})
    deliver_webhook.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.status_code) == (DeliveryStatus.GAVE_UP, 404)
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 1


def test_an_unreachable_receiver_gives_up_after_the_last_attempt(tenant_a, allow_private):
    hook = WebhookFactory(tenant=tenant_a, url="http://127.0.0.1:1/unreachable")
    delivery = WebhookDelivery.objects.create(tenant=tenant_a, webhook=hook, event="x",
                                              payload={}, attempt=services.MAX_ATTEMPTS)
    assert services.webhook_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == (DeliveryStatus.GAVE_UP, "connection refused")


def test_a_webhook_only_gets_the_events_it_subscribed_to(tenant_a, receiver):
    _hook(tenant_a, receiver, events=["ticket.overdue"])
    assert services.webhooks_emit(tenant=tenant_a, event="sender.regressed", data={}) == []


def test_backoff_grows_exponentially_with_jitter_and_is_bounded():
    # Celery's own curve (core.tasks.RetryingTask): full jitter under a doubling ceiling.
    for retries in (*range(0, 12), 50):
        deliver_webhook.push_request(retries=retries)
        try:
            waits = {deliver_webhook.backoff_countdown() for _ in range(20)}
        finally:
            deliver_webhook.pop_request()
        assert all(0 <= wait <= min(3600, 30 * 2 ** retries) for wait in waits)
        assert len(waits) > 1 or retries == 0


def test_each_new_basic_sender_event_names_its_own_address(tenant_a, tenant_b):
    from tests.factories import SenderFactory

    WebhookFactory(tenant=tenant_a, events=["sender.new_basic"])
    zed = SenderFactory(tenant=tenant_a, address="zed@a.example")
    amy = SenderFactory(tenant=tenant_a, address="amy@a.example")
    foreign = SenderFactory(tenant=tenant_b, address="other@b.example")
    # Ids in an order other than the addresses' (as the evaluation's GROUP BY yields).
    sent = messages.senders_new_basic(tenant=tenant_a, sender_ids=[zed.pk, amy.pk, foreign.pk])
    payloads = {d.payload["data"]["sender"]: d.payload["data"]["address"]
                for d in WebhookDelivery.objects.for_tenant(tenant_a)}
    # Another tenant's id is ignored: never announced, never named.
    assert sent == 2
    assert payloads == {zed.pk: "zed@a.example", amy.pk: "amy@a.example"}

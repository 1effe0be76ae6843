"""Webhooks go to public destinations only (issue 10, finding 2: SSRF).

The receiver is a REAL HTTP server on loopback, exactly the kind of internal service a
hostile tenant manager would aim at. Only the system resolver is replaced, where a
test needs a name that answers differently over time (DNS rebinding).
"""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from readiness.core import outbound
from readiness.notifications import services
from readiness.notifications.choices import DeliveryStatus
from readiness.notifications.models import Webhook, WebhookDelivery
from tests.factories import WebhookFactory

NOT_PUBLIC = [
    "127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "100.127.255.254", "224.0.0.1", "239.255.255.250",
    "240.0.0.1", "255.255.255.255", "192.0.2.10", "198.18.0.1", "::", "::1", "fe80::1",
    "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
    "2001::1", "::127.0.0.1",
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111",
          "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses_are_refused(address):
    assert not outbound.ip_is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert outbound.ip_is_public(address)


HOSTILE_URLS = [
    "https://127.0.0.1/hook", "https://localhost:8443/admin", "https://127.1/",
    "https://2130706433/", "https://0x7f000001/", "https://[::1]/",
    "https://[::ffff:127.0.0.1]/", "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5:6379/", "https://100.64.0.1/", "https://[fe80::1]/",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_manager_cannot_save_an_internal_url(client_for, alice, tenant_a, url):
    response = client_for(alice).post(reverse("notifications:webhooks", args=[tenant_a.slug]),
                                      {"name": "x", "url": url, "events": ["sender.regressed"]})
    assert response.status_code == 400
    text = response.content.decode()
    # Forms Django itself cannot parse are refused earlier, as invalid URLs.
    assert "public addresses only" in text or "Enter a valid URL." in text
    assert not Webhook.objects.exists()


def test_plain_http_is_refused_while_debug_is_off(client_for, alice, tenant_a, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the operator setting does not allow http
    response = client_for(alice).post(reverse("notifications:webhooks", args=[tenant_a.slug]),
                                      {"name": "x", "url": "http://8.8.8.8/hook",
                                       "events": ["sender.regressed"]})
    assert response.status_code == 400 and "Use an https:// URL." in response.content.decode()
    assert not Webhook.objects.exists()


def test_credentials_in_the_url_are_refused(client_for, alice, tenant_a):
    response = client_for(alice).post(reverse("notifications:webhooks", args=[tenant_a.slug]),
                                      {"name": "x", "url": "https://u:p@8.8.8.8/",
                                       "events": ["sender.regressed"]})
    assert response.status_code == 400 and not Webhook.objects.exists()


def test_the_service_refuses_what_the_form_refuses(tenant_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.webhook_create(tenant=tenant_a, name="x", url="https://127.0.0.1/",
                                events=["sender.regressed"])
    assert "url" in caught.value.message_dict


def _deliver(tenant, url):
    hook = WebhookFactory(tenant=tenant, url=url)  # stored before the rule, or rebound
    delivery = WebhookDelivery.objects.create(tenant=tenant, webhook=hook, event="x",
                                              payload={"id": "1"})
    next_id = services.webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery, next_id


def test_a_stored_internal_url_is_never_contacted(tenant_a, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False  # the receiver sits on loopback
    delivery, next_id = _deliver(tenant_a, f"http://127.0.0.1:{receiver.server_port}/")
    assert receiver.received == []
    assert (delivery.status, delivery.status_code, delivery.error) == (
        DeliveryStatus.GAVE_UP, None, "blocked destination")
    assert next_id is None  # refused again on retry: not retried


def test_http_is_refused_at_delivery_time_too(tenant_a, receiver, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    delivery, _ = _deliver(tenant_a, f"http://127.0.0.1:{receiver.server_port}/")
    assert receiver.received == [] and delivery.error == "https required"


@pytest.fixture
def dns(monkeypatch):
    """A resolver whose answers for *.test names the test sets (and changes)."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".test"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))
                    for address in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_dns_rebinding_to_loopback_is_refused_at_connection_time(tenant_a, receiver, settings,
                                                                 dns, client_for, alice):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    # Public when the manager saves it, loopback when the worker connects.
    dns["rebind.test"] = ["93.184.215.14"]
    url = f"http://rebind.test:{receiver.server_port}/hook"
    response = client_for(alice).post(reverse("notifications:webhooks", args=[tenant_a.slug]),
                                      {"name": "rebind", "url": url,
                                       "events": ["sender.regressed"]})
    assert response.status_code in (201, 302)
    hook = Webhook.objects.get()
    dns["rebind.test"] = ["127.0.0.1"]
    delivery = WebhookDelivery.objects.create(tenant=tenant_a, webhook=hook, event="x",
                                              payload={})
    services.webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert receiver.received == [] and delivery.error == "blocked destination"


def test_the_connection_goes_to_the_checked_address_with_the_real_host(tenant_a, receiver,
                                                                        dns):
    # Allowed private (operator setting): the socket goes to the checked address and
    # the request still names the host the tenant entered.
    dns["hooks.test"] = ["127.0.0.1"]
    delivery, _ = _deliver(tenant_a, f"http://hooks.test:{receiver.server_port}/hook")
    assert delivery.status == DeliveryStatus.SUCCEEDED
    [(headers, _)] = receiver.received
    assert headers["Host"] == f"hooks.test:{receiver.server_port}"


def test_response_bodies_are_never_stored_or_shown(tenant_a, receiver, client_for, alice):
    receiver.codes = [500]
    receiver.body = b"root:x:0:0:internal-secret-marker"
    delivery, _ = _deliver(tenant_a, f"http://127.0.0.1:{receiver.server_port}/hook")
    assert (delivery.status_code, delivery.error) == (500, "HTTP 500")
    url = reverse("notifications:deliveries", args=[tenant_a.slug])
    page = client_for(alice).get(url).content.decode()
    export = client_for(alice).get(url + "?_export=csv").content.decode()
    assert "HTTP 500" in page and "HTTP 500" in export
    assert "internal-secret-marker" not in page + export


def test_connection_errors_are_a_short_class_without_exception_text(tenant_a, allow_private):
    delivery, _ = _deliver(tenant_a, "http://127.0.0.1:1/hook")
    assert delivery.error == "connection refused"


def test_redirects_are_not_followed(tenant_a, receiver):
    receiver.codes = [302]
    receiver.headers_out = {"Location": "http://169.254.169.254/latest/meta-data/"}
    delivery, next_id = _deliver(tenant_a, f"http://127.0.0.1:{receiver.server_port}/hook")
    assert len(receiver.received) == 1
    assert (delivery.status_code, delivery.error, next_id) == (302, "HTTP 302", None)


def test_https_verifies_the_host_name_while_connecting_to_the_checked_address(
        tenant_a, allow_private, emulator, settings, dns):
    """Real TLS (the emulator's certificate names localhost): the socket goes to the
    checked address, the certificate is still checked against the name in the URL."""
    settings.M365_CA_BUNDLE = str(emulator.ca)
    delivery, _ = _deliver(tenant_a, f"https://localhost:{emulator.httpd.server_address[1]}/no-such-hook")
    assert delivery.status_code is not None and delivery.error != "TLS error"
    dns["not-the-cert-name.test"] = ["127.0.0.1"]
    delivery, _ = _deliver(tenant_a, f"https://not-the-cert-name.test:{emulator.httpd.server_address[1]}/x")
    assert (delivery.status_code, delivery.error) == (None, "TLS error")

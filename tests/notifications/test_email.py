import datetime as dt

from django.core import mail
from django.urls import reverse

from readiness.notifications import services
from readiness.notifications.models import Webhook
from readiness.senders.tasks import send_overdue_tenant
from readiness.tenancy.models import AuditEvent
from tests.factories import TicketFactory


def test_overdue_tickets_are_mailed_once_a_day(tenant_a, hana, alice):
    today = dt.date.today()
    TicketFactory(tenant=tenant_a, assignee=hana, due_date=today - dt.timedelta(days=1),
                  title="Late one")
    TicketFactory(tenant=tenant_a, due_date=today - dt.timedelta(days=3), title="Nobody's")
    TicketFactory(tenant=tenant_a, assignee=hana, due_date=today + dt.timedelta(days=1))
    TicketFactory(tenant=tenant_a, assignee=hana, due_date=today - dt.timedelta(days=1),
                  status="done")
    assert send_overdue_tenant.apply(args=[tenant_a.pk]).get() == 2
    assert send_overdue_tenant.apply(args=[tenant_a.pk]).get() == 0
    recipients = {m.subject: m.to for m in mail.outbox}
    assert recipients == {"[Tenant A] Overdue: Late one": [hana.email],
                          "[Tenant A] Overdue: Nobody's": [alice.email]}


def test_a_manager_creates_a_webhook_and_sees_the_secret_once(client_for, alice, tenant_a):
    response = client_for(alice).post(reverse("notifications:webhooks", args=[tenant_a.slug]), {
        "name": "ITSM", "url": "https://8.8.8.8/hook", "events": ["sender.regressed"]})
    assert response.status_code == 201
    webhook = Webhook.objects.get()
    secret = webhook.get_secret()
    assert secret in response.content.decode() and secret not in webhook.secret_encrypted
    audit = AuditEvent.objects.get(action="webhook.create")
    assert secret not in str(audit.after)
    again = client_for(alice).get(reverse("notifications:webhooks", args=[tenant_a.slug]))
    assert secret not in again.content.decode()


def test_helpdesk_cannot_manage_webhooks(client_for, hana, tenant_a):
    response = client_for(hana).post(reverse("notifications:webhooks", args=[tenant_a.slug]), {
        "name": "x", "url": "https://x.example", "events": ["sender.regressed"]})
    assert response.status_code == 403 and not Webhook.objects.exists()


def test_the_signature_helper_matches_the_documented_recipe():
    import hashlib
    import hmac

    body = b'{"event":"ticket.assigned"}'
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert services.sign(secret="k", timestamp="1700000000", body=body) == f"sha256={expected}"

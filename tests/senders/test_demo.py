import datetime as dt
from collections import Counter

from readiness.demo.services import demo_seed
from readiness.senders.choices import SenderStatus, TicketStatus
from readiness.senders.models import Sender, SenderStatusChange, Ticket
from readiness.tenancy.models import Tenant


def _snapshot(tenant):
    return (sorted(Sender.objects.for_tenant(tenant).values_list("address", "status", "team")),
            sorted(Ticket.objects.for_tenant(tenant).values_list("title", "status")),
            SenderStatusChange.objects.for_tenant(tenant).count())


def test_the_demo_has_every_status_one_regression_and_is_idempotent(db):
    today = dt.date.today()
    demo_seed(tenants=1, mailboxes=30, days=40, today=today)
    tenant = Tenant.objects.get()
    statuses = Counter(Sender.objects.for_tenant(tenant).values_list("status", flat=True))
    assert set(statuses) == set(SenderStatus.values)
    assert statuses[SenderStatus.REGRESSED] == 1
    assert set(Ticket.objects.for_tenant(tenant).values_list("status", flat=True)) == set(
        TicketStatus.values)
    assert Sender.objects.for_tenant(tenant).exclude(owner_user=None).exists()
    assert Sender.objects.for_tenant(tenant).exclude(owner_email="").exists()
    first = _snapshot(tenant)
    demo_seed(tenants=1, mailboxes=30, days=40, today=today)
    assert _snapshot(tenant) == first

import pytest

from readiness.senders.identity import sender_mailboxes_link
from readiness.senders.models import Sender
from readiness.usage.services import senders_ensure
from tests.factories import MailboxFactory, SenderFactory

pytestmark = pytest.mark.django_db


def test_a_new_sender_is_linked_to_its_mailbox_whatever_the_case(tenant_a):
    mailbox = MailboxFactory(tenant=tenant_a, address="Scanner@A.example",
                             display_name="Scanner, 2nd floor")
    ids = senders_ensure(tenant=tenant_a, addresses=["scanner@a.example", "app@a.example"])
    scanner = Sender.objects.get(pk=ids["scanner@a.example"])
    assert (scanner.mailbox, scanner.display_name) == (mailbox, "Scanner, 2nd floor")
    assert Sender.objects.get(pk=ids["app@a.example"]).mailbox is None


def test_linking_after_a_snapshot_never_crosses_tenants(tenant_a, tenant_b):
    sender = SenderFactory(tenant=tenant_a, address="shared@x.example")
    MailboxFactory(tenant=tenant_b, address="shared@x.example")
    assert sender_mailboxes_link(tenant=tenant_a) == 1
    sender.refresh_from_db()
    assert sender.mailbox is None
    own = MailboxFactory(tenant=tenant_a, address="shared@x.example")
    sender_mailboxes_link(tenant=tenant_a)
    sender.refresh_from_db()
    assert sender.mailbox == own

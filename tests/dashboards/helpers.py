"""Builders of dashboard test data."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from readiness.usage.rollups import usage_rollups_refresh
from tests.factories import (
    ClientObservationFactory,
    DailyUsageFactory,
    MailboxFactory,
    MilestoneFactory,
    SenderFactory,
    TicketFactory,
)


def populate(tenant, senders=3, days=20, prefix="s"):
    """A small but complete tenant: mailboxes, senders, usage, observations, a ticket."""
    today = timezone.now().date()
    made = []
    for n in range(senders):
        box_prefix = "" if prefix == "s" else prefix
        mailbox = MailboxFactory(tenant=tenant, address=f"{box_prefix}box{n}@{tenant.slug}.example",
                                 effective_state=["basic_possible", "oauth_only"][n % 2])
        sender = SenderFactory(tenant=tenant, address=f"{prefix}{n}@{tenant.slug}.example",
                               mailbox=mailbox, device_type="printer")
        ClientObservationFactory(sender=sender, client_ip=f"203.0.113.{n}",
                                 tls_version="TLS1_0" if n == 0 else "TLS1_2")
        for offset in range(days):
            DailyUsageFactory(sender=sender, day=today - timedelta(days=offset),
                              messages=days - offset + n)
        made.append(sender)
    if not made:
        return made
    ticket = TicketFactory(tenant=tenant, title=f"Fix {tenant.slug} {prefix}",
                           due_date=today + timedelta(days=20))
    ticket.senders.add(made[0])
    MilestoneFactory(tenant=tenant, kind="internal", title=f"Our {tenant.slug} target {prefix}")
    usage_rollups_refresh(tenant=tenant, days=days + 7)
    return made

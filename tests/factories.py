"""factory_boy factories shared by every test module."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from readiness.inventory.models import Mailbox, TenantSettings
from readiness.senders.models import Sender, Ticket
from readiness.tenancy.models import Membership, Tenant
from readiness.usage.models import DailyUsage


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("correct horse battery staple")


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tenant {n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")
    primary_domain = factory.LazyAttribute(lambda t: f"{t.slug}.example")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = "viewer"


class TenantSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenantSettings

    tenant = factory.SubFactory(TenantFactory)
    smtp_client_auth_disabled = False
    security_defaults_enabled = False
    conditional_access_blocks = factory.LazyFunction(list)


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    tenant = factory.SubFactory(TenantFactory)
    address = factory.Sequence(lambda n: f"mailbox{n}@example.test")
    display_name = factory.Sequence(lambda n: f"Mailbox {n}")


class SenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sender
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    address = factory.Sequence(lambda n: f"sender{n}@example.test")
    display_name = factory.Sequence(lambda n: f"Sender {n}")

    @factory.post_generation
    def rollup(sender, create, extracted, **kwargs):
        # Production creates senders through usage.services.senders_ensure, which gives
        # every sender its rollup row; factories keep the same invariant.
        if create:
            from readiness.usage.models import SenderRollup

            SenderRollup.objects.get_or_create(
                sender=sender, defaults={"tenant": sender.tenant,
                                         "window_end": dt.date.today()})


class DailyUsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyUsage

    sender = factory.SubFactory(SenderFactory)
    tenant = factory.LazyAttribute(lambda u: u.sender.tenant)
    day = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1))
    auth_method = "basic"
    source = "detailed_report"
    messages = 10


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Ticket {n}")


class SenderExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "senders.SenderException"

    sender = factory.SubFactory(SenderFactory)
    tenant = factory.LazyAttribute(lambda e: e.sender.tenant)
    kind = "status"
    reason = "Vendor firmware due next quarter"
    approver = factory.SubFactory(UserFactory)
    expires_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Webhook"

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Hook {n}")
    url = "http://127.0.0.1:9/hook"
    events = factory.LazyFunction(lambda: ["sender.regressed", "ticket.assigned",
                                           "sender.status_changed"])
    secret_encrypted = factory.LazyFunction(lambda: _encrypt("s3cret-hook-key"))


def _encrypt(value: str) -> str:
    from readiness.core.crypto import encrypt

    return encrypt(value)





class ClientObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usage.ClientObservation"

    sender = factory.SubFactory(SenderFactory)
    tenant = factory.LazyAttribute(lambda o: o.sender.tenant)
    source = "detailed_report"
    client_ip = "203.0.113.7"
    tls_version = "TLS1_2"
    first_day = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    last_day = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1))
    messages = 5


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "milestones.Milestone"

    tenant = None
    key = factory.Sequence(lambda n: f"milestone-{n}")
    date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=60))
    precision = "day"
    kind = "deadline"
    status = "expected"
    title = factory.Sequence(lambda n: f"Milestone {n}")

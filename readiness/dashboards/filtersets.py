"""What a filter means, once: the pages, their exports and the API share these."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from readiness.inventory.choices import EffectiveState, SmtpAuthSwitch
from readiness.inventory.models import Mailbox
from readiness.senders.choices import DeviceType, SenderStatus
from readiness.senders.models import Sender
from readiness.tenancy.models import Tenant
from readiness.usage.readiness import PortfolioState

NO_MAILBOX = "none"
YES_NO = (("yes", "Yes"), ("no", "No"))


class TenantFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    state = django_filters.ChoiceFilter(field_name="readiness_state", label="State",
                                        choices=PortfolioState.CHOICES)
    tag = django_filters.CharFilter(method="filter_tag", label="Tag")

    class Meta:
        model = Tenant
        fields = ["q", "state", "tag"]

    def filter_tag(self, queryset, name, value):
        # A subquery, not a join: the portfolio's aggregates must not count a tenant twice.
        return queryset.filter(pk__in=Tenant.tags.through.objects.filter(
            tenanttag__name=value).values("tenant_id"))

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(slug__icontains=value)
                               | Q(primary_domain__icontains=value))


class SenderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(choices=SenderStatus.choices)
    effective_state = django_filters.ChoiceFilter(
        method="filter_effective_state", label="Mailbox state",
        choices=[*EffectiveState.choices, (NO_MAILBOX, "No linked mailbox")])
    device_type = django_filters.MultipleChoiceFilter(choices=DeviceType.choices)
    uses_basic = django_filters.ChoiceFilter(method="filter_uses_basic", choices=YES_NO,
                                             label="Uses Basic (30 d)")
    owner = django_filters.CharFilter(method="filter_owner", label="Owner")

    class Meta:
        model = Sender
        fields = ["q", "status", "effective_state", "device_type", "uses_basic", "owner"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(address__icontains=value) | Q(display_name__icontains=value)
                               | Q(vendor__icontains=value) | Q(model__icontains=value))

    def filter_effective_state(self, queryset, name, value):
        if value == NO_MAILBOX:
            return queryset.filter(mailbox__isnull=True)
        return queryset.filter(mailbox__effective_state=value)

    def filter_uses_basic(self, queryset, name, value):
        basic = Q(rollup__basic_messages_30d__gt=0) | Q(rollup__basic_signins_30d__gt=0)
        return queryset.filter(basic) if value == "yes" else queryset.exclude(basic)

    def filter_owner(self, queryset, name, value):
        return queryset.filter(
            Q(owner_name__icontains=value) | Q(owner_email__icontains=value)
            | Q(owner_user__username__icontains=value)
            | Q(owner_user__first_name__icontains=value)
            | Q(owner_user__last_name__icontains=value))


class MailboxFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    effective_state = django_filters.MultipleChoiceFilter(choices=EffectiveState.choices,
                                                          label="Effective state")
    smtp_auth = django_filters.MultipleChoiceFilter(choices=SmtpAuthSwitch.choices,
                                                    label="SMTP AUTH switch")

    class Meta:
        model = Mailbox
        fields = ["q", "effective_state", "smtp_auth"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(address__icontains=value) | Q(display_name__icontains=value))

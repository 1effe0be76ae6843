"""What a filter means, once: the pages, their exports and the API share these."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.core.forms import AnyYesNoWidget
from readiness.inventory.choices import EffectiveState
from readiness.senders.choices import DeviceType, SenderStatus, TicketPriority, TicketStatus
from readiness.senders.models import Sender, Ticket

NO_MAILBOX = "none"
YES_NO = (("yes", _("Yes")), ("no", _("No")))


class TicketFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=TicketStatus.choices)
    priority = django_filters.MultipleChoiceFilter(label=_("Priority"),
                                                 choices=TicketPriority.choices)
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue", label=_("Overdue"),
        widget=AnyYesNoWidget())

    class Meta:
        model = Ticket
        fields = ["q", "status", "priority", "overdue"]

    def search(self, queryset, name, value):
        match = (Q(title__icontains=value) | Q(external_id__icontains=value)
                 | Q(senders__address__icontains=value))
        # A subquery, not a JOIN: a ticket with three matching senders appears once.
        return queryset.filter(pk__in=Ticket.objects.filter(match).values("pk"))


class SenderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=SenderStatus.choices)
    effective_state = django_filters.ChoiceFilter(
        method="filter_effective_state", label=_("Mailbox state"),
        choices=[*EffectiveState.choices, (NO_MAILBOX, _("No linked mailbox"))])
    device_type = django_filters.MultipleChoiceFilter(label=_("Device type"),
                                                    choices=DeviceType.choices)
    uses_basic = django_filters.ChoiceFilter(method="filter_uses_basic", choices=YES_NO,
                                             label=_("Uses Basic (30 d)"))
    owner = django_filters.CharFilter(method="filter_owner", label=_("Owner"))

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

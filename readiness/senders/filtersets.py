"""What a filter means, once: the pages, their exports and the API share these."""

import django_filters
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from readiness.core.forms import AnySelect, AnyYesNoWidget, CheckboxDropdown
from readiness.inventory.choices import EffectiveState
from readiness.senders.choices import (
    OPEN_TICKET_STATUSES,
    DeviceType,
    OAuthSupport,
    SenderStatus,
    TicketPriority,
    TicketStatus,
)
from readiness.senders.models import DeviceModel, Sender, Ticket

NO_MAILBOX = "none"
YES_NO = (("yes", _("Yes")), ("no", _("No")))


class TicketFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=TicketStatus.choices, label=_("Status"),
                                                 widget=CheckboxDropdown)
    priority = django_filters.MultipleChoiceFilter(choices=TicketPriority.choices,
                                                   label=_("Priority"), widget=CheckboxDropdown)
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


class TicketQueueFilterSet(TicketFilterSet):
    """The ticket pages: a queue opens on the open work. Until the user submits the
    filter form (which always sends `q`), the status filter is the open statuses; an
    export of that page gets the same rows. The API keeps "no filter = every ticket"."""

    def __init__(self, data=None, *args, **kwargs):
        if data is None or not any(name in data for name in self.base_filters):
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data.setlist("status", list(OPEN_TICKET_STATUSES))
        super().__init__(data, *args, **kwargs)


class SenderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=SenderStatus.choices, label=_("Status"),
                                                 widget=CheckboxDropdown)
    effective_state = django_filters.ChoiceFilter(
        method="filter_effective_state", label=_("Mailbox state"), empty_label=_("Any"),
        choices=[*EffectiveState.choices, (NO_MAILBOX, _("No linked mailbox"))],
        widget=AnySelect)
    device_type = django_filters.MultipleChoiceFilter(choices=DeviceType.choices,
                                                      label=_("Device type"),
                                                      widget=CheckboxDropdown)
    uses_basic = django_filters.ChoiceFilter(method="filter_uses_basic", choices=YES_NO,
                                             label=_("Uses Basic (30 d)"), empty_label=_("Any"),
                                             widget=AnySelect)
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


class DeviceModelFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    device_type = django_filters.MultipleChoiceFilter(choices=DeviceType.choices,
                                                      label=_("Device type"))
    oauth_support = django_filters.MultipleChoiceFilter(choices=OAuthSupport.choices,
                                                        label=_("OAuth"))

    class Meta:
        model = DeviceModel
        fields = ["q", "device_type", "oauth_support"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(vendor__icontains=value) | Q(model__icontains=value)
                               | Q(notes__icontains=value) | Q(min_version__icontains=value))

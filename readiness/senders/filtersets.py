import django_filters
from django.db.models import Q

from readiness.core.forms import AnyYesNoWidget
from readiness.senders.choices import DeviceType, OAuthSupport, TicketPriority, TicketStatus
from readiness.senders.models import DeviceModel, Ticket


class TicketFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(choices=TicketStatus.choices)
    priority = django_filters.MultipleChoiceFilter(choices=TicketPriority.choices)
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue", label="Overdue",
        widget=AnyYesNoWidget())

    class Meta:
        model = Ticket
        fields = ["q", "status", "priority", "overdue"]

    def search(self, queryset, name, value):
        match = (Q(title__icontains=value) | Q(external_id__icontains=value)
                 | Q(senders__address__icontains=value))
        # A subquery, not a JOIN: a ticket with three matching senders appears once.
        return queryset.filter(pk__in=Ticket.objects.filter(match).values("pk"))


class DeviceModelFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    device_type = django_filters.MultipleChoiceFilter(choices=DeviceType.choices)
    oauth_support = django_filters.MultipleChoiceFilter(choices=OAuthSupport.choices,
                                                        label="OAuth")

    class Meta:
        model = DeviceModel
        fields = ["q", "device_type", "oauth_support"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(vendor__icontains=value) | Q(model__icontains=value)
                               | Q(notes__icontains=value) | Q(min_version__icontains=value))

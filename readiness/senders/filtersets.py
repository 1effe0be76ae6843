import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.core.forms import AnyYesNoWidget
from readiness.senders.choices import TicketPriority, TicketStatus
from readiness.senders.models import Ticket


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

import django_filters
from django.db.models import Q

from readiness.senders.choices import SenderStatus
from readiness.senders.models import Sender


class SenderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(choices=SenderStatus.choices)

    class Meta:
        model = Sender
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(address__icontains=value) | Q(display_name__icontains=value))

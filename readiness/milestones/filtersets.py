import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.milestones.choices import Kind, Status
from readiness.milestones.models import Milestone


class MilestoneFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=Kind.choices)

    class Meta:
        model = Milestone
        fields = ["q", "status", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(key__icontains=value))

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.tenancy.choices import AuditSource, Role
from readiness.tenancy.models import AuditEvent, Membership


class MembershipFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["q", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(user__username__icontains=value) | Q(user__email__icontains=value)
                               | Q(user__first_name__icontains=value)
                               | Q(user__last_name__icontains=value))


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="istartswith")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=AuditSource.choices)
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte",
                                      label=_("From"))
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte",
                                      label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "source", "since", "until"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(actor_label__icontains=value) | Q(action__icontains=value)
                               | Q(object_repr__icontains=value) | Q(ip__icontains=value))

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.tenancy.audit import ACTION_AREAS
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
    q = django_filters.CharFilter(method="search", label=_("Search"),
                                  widget=forms.TextInput(attrs={
                                      "type": "search", "class": "form-control form-control-sm",
                                      "placeholder": _("Who, what, object or IP")}))
    # The part of the action code before the dot ("membership" matches membership.*).
    action = django_filters.ChoiceFilter(
        choices=ACTION_AREAS, method="in_area", label=_("Area"), empty_label=_("Every area"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    source = django_filters.ChoiceFilter(
        choices=AuditSource.choices, label=_("Source"), empty_label=_("Every source"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("From"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={
            "type": "date", "class": "form-control form-control-sm"}))
    until = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("To"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={
            "type": "date", "class": "form-control form-control-sm"}))

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "source", "since", "until"]

    def in_area(self, queryset, name, value):
        return queryset.filter(action__startswith=f"{value}.")

    def search(self, queryset, name, value):
        return queryset.filter(Q(actor_label__icontains=value) | Q(action__icontains=value)
                               | Q(object_repr__icontains=value) | Q(ip__icontains=value))

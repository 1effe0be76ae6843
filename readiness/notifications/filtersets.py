import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.notifications.choices import DeliveryStatus
from readiness.notifications.models import Webhook, WebhookDelivery


class WebhookFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Webhook
        fields = ["q", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(url__icontains=value))


class WebhookDeliveryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(label=_("Status"),
                                                 choices=DeliveryStatus.choices)

    class Meta:
        model = WebhookDelivery
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(event__icontains=value) | Q(webhook__name__icontains=value)
                               | Q(error__icontains=value))

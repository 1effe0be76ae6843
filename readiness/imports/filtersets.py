import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.imports.choices import ImportChannel, ImportStatus, ReportFormat
from readiness.imports.models import ReportImport


class ReportImportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=ImportStatus.choices)
    format = django_filters.ChoiceFilter(label=_("Format"), choices=ReportFormat.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=ImportChannel.choices)

    class Meta:
        model = ReportImport
        fields = ["q", "status", "format", "channel"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(file_name__icontains=value) | Q(sha256__istartswith=value)
            | Q(imported_by__username__icontains=value)
            | Q(uploaded_by__username__icontains=value))

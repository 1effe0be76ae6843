"""What a filter means, once: the mailbox page, its export and the API share it."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.core.forms import CheckboxDropdown
from readiness.inventory.choices import EffectiveState, SmtpAuthSwitch
from readiness.inventory.models import Mailbox


class MailboxFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    effective_state = django_filters.MultipleChoiceFilter(choices=EffectiveState.choices,
                                                          label=_("Effective state"),
                                                          widget=CheckboxDropdown)
    smtp_auth = django_filters.MultipleChoiceFilter(choices=SmtpAuthSwitch.choices,
                                                    label=_("SMTP AUTH switch"),
                                                    widget=CheckboxDropdown)

    class Meta:
        model = Mailbox
        fields = ["q", "effective_state", "smtp_auth"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(address__icontains=value) | Q(display_name__icontains=value))

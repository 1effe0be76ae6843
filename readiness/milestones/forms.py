from __future__ import annotations

from functools import partial

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from readiness.core.forms import DateInput
from readiness.milestones.choices import Precision
from readiness.milestones.models import Milestone

DATE_INPUT = DateInput()


class MilestoneForm(forms.ModelForm):
    """Microsoft's milestones, edited by MSP admins."""

    class Meta:
        model = Milestone
        fields = ["key", "title", "date", "precision", "kind", "status", "source", "as_of"]
        widgets = {"date": DATE_INPUT, "as_of": DATE_INPUT}
        field_classes = {"source": partial(forms.URLField, assume_scheme="https")}
        labels = {"key": _("Key"), "title": _("Title"), "date": _("Date"),
                  "precision": _("Precision"), "kind": _("Kind"), "status": _("Status"),
                  "source": _("Source (URL)"), "as_of": _("As of")}
        help_texts = {"precision": _("How precisely Microsoft gave the date: a day, a month "
                                     "or a half-year (shown as \"end of December 2026\" or "
                                     "\"second half of 2027\", never as an invented day).")}


class TenantTargetForm(forms.ModelForm):
    """A tenant's own internal target date; the key is derived from the title."""

    class Meta:
        model = Milestone
        fields = ["title", "date", "precision"]
        widgets = {"date": DATE_INPUT}
        labels = {"title": _("Title"), "date": _("Date"), "precision": _("Precision")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["precision"].initial = Precision.DAY

    def build(self, *, tenant) -> Milestone:
        milestone = self.save(commit=False)
        milestone.tenant = tenant
        milestone.kind = "internal"
        milestone.status = "expected"
        milestone.key = slugify(f"{milestone.title}-{milestone.date}")[:80] or "target"
        return milestone

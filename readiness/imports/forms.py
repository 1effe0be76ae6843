from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from readiness.core.forms import DateInput
from readiness.core.uploads import validate_upload

ALLOWED_EXTENSIONS = (".csv", ".txt")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Report file"),
        help_text=_("The detailed report (SmtpCSReport_*.csv) or the on-screen report's "
                    "Export (.csv)."))

    def clean_file(self):
        """The one upload gate (readiness/core/uploads.py): name, size, not a binary, text
        encoding. Columns and rows are the parser's job, after the upload."""
        file = self.cleaned_data["file"]
        validate_upload(file, extensions=ALLOWED_EXTENSIONS)
        return file


class ConfirmForm(forms.Form):
    """Export files carry no dates: the person importing states the period."""

    period_start = forms.DateField(label=_("Period start"), required=False, widget=DateInput())
    period_end = forms.DateField(label=_("Period end"), required=False, widget=DateInput())
    allow_foreign = forms.BooleanField(
        required=False, label=_("Import anyway: I am sure this file is this tenant's"),
        help_text=_("Recorded in the audit log with the foreign domains."))

    def __init__(self, *args, needs_period: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_period = needs_period
        for name in ("period_start", "period_end"):
            self.fields[name].required = needs_period

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            raise ValidationError(_("The period starts after it ends."))
        return data

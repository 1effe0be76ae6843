from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from readiness.core.forms import DateInput
from readiness.core.uploads import validate_upload

ALLOWED_EXTENSIONS = (".csv", ".txt")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Report file",
        help_text="The detailed report (SmtpCSReport_*.csv) or the on-screen report's "
                  "Export (.csv).")

    def clean_file(self):
        """The one upload gate (readiness/core/uploads.py): name, size, not a binary, text
        encoding. Columns and rows are the parser's job, after the upload."""
        file = self.cleaned_data["file"]
        validate_upload(file, extensions=ALLOWED_EXTENSIONS)
        return file


class ConfirmForm(forms.Form):
    """Export files carry no dates: the person importing states the period."""

    period_start = forms.DateField(required=False, widget=DateInput())
    period_end = forms.DateField(required=False, widget=DateInput())
    allow_foreign = forms.BooleanField(
        required=False, label="Import anyway: I am sure this file is this tenant's",
        help_text="Recorded in the audit log with the foreign domains.")

    def __init__(self, *args, needs_period: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_period = needs_period
        for name in ("period_start", "period_end"):
            self.fields[name].required = needs_period

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            raise ValidationError("The period starts after it ends.")
        return data

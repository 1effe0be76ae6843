from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

ALLOWED_EXTENSIONS = (".csv", ".txt")


def validate_upload(file) -> None:
    """Size and type checks for an uploaded report, with messages for the user.

    The one place to point at readiness/core/uploads.py::validate_upload once it
    exists. Content (encoding, columns) is the parser's job, after the upload.
    """
    limit = settings.REPORT_UPLOAD_MAX_BYTES
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(ALLOWED_EXTENSIONS):
        raise ValidationError("Upload the report as a .csv file (as the Exchange admin "
                              "center delivers it), not a workbook or archive.")
    if file.size == 0:
        raise ValidationError("The file is empty.")
    if file.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(file.size)}; the limit is {filesizeformat(limit)}.")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Report file", validators=[validate_upload],
        help_text="The detailed report (SmtpCSReport_*.csv) or the on-screen report's "
                  "Export (.csv).")


class ConfirmForm(forms.Form):
    """Export files carry no dates: the person importing states the period."""

    period_start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

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

"""Form pieces for write-only secrets (client secrets, private keys, webhook secrets).

A SecretField never renders a value back into the page; blank means "keep the stored
one". Views that accept secrets add `SensitivePostMixin` so that Django's error
reports show no POST values.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SecretField(forms.CharField):
    def __init__(self, *, multiline: bool = False, **kwargs):
        widget = (forms.Textarea(attrs={"autocomplete": "off", "rows": 4}) if multiline
                  else forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", True)
        kwargs.setdefault("help_text", _("Write-only: leave blank to keep the stored value."))
        super().__init__(widget=widget, **kwargs)

    def prepare_value(self, value):
        return ""  # never echo a secret, not even after a failed submit


class SensitivePostMixin:
    """View mixin: hide every POST parameter from error reports (like
    @sensitive_post_parameters() with no arguments)."""

    def dispatch(self, request, *args, **kwargs):
        request.sensitive_post_parameters = "__ALL__"
        return super().dispatch(request, *args, **kwargs)


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (YYYY-MM-DD) whatever the
    locale, or the browser shows an empty field and a save silently clears the date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AnyYesNoWidget(forms.Select):
    """A yes/no filter whose empty choice reads "Any" (django-filter's says "Unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, choices=[("", _("Any")), ("true", _("Yes")),
                                               ("false", _("No"))])


def form_errors_add(form: forms.Form, exc) -> None:
    """Attach a service's ValidationError to the form. An error about a field the form
    does not have (say, a stored value it never shows) becomes a form-wide error instead
    of Django's ValueError, which would be an HTTP 500 for the user."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)

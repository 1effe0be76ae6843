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


class CheckboxDropdown(forms.CheckboxSelectMultiple):
    """A multi-choice filter as a drop-down of checkboxes: one click per choice (no
    Ctrl-click as in <select multiple>), compact, and it needs no JavaScript (<details>)."""

    template_name = "core/widgets/checkbox_dropdown.html"


class AnySelect(forms.Select):
    """A single-choice filter with Bootstrap's select look."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"class": "form-select form-select-sm", **(attrs or {})},
                         choices=choices)


class AnyYesNoWidget(forms.Select):
    """A yes/no filter whose empty choice reads "Any" (django-filter's says "Unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-select form-select-sm", **(attrs or {})},
                         choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])


def bootstrap_widgets(form: forms.BaseForm, *, small: bool = True) -> None:
    """Bootstrap's classes by widget kind: a select looks like a select (form-select,
    with its arrow), a text box like a text box, a checkbox like a checkbox."""
    size = "-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "checkbox-list"
        elif isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = f"form-select form-select{size}"
        else:
            css = f"form-control form-control{size}"
        widget.attrs["class"] = css


def form_errors_add(form: forms.Form, exc) -> None:
    """Attach a service's ValidationError to the form. An error about a field the form
    does not have (say, a stored value it never shows) becomes a form-wide error instead
    of Django's ValueError, which would be an HTTP 500 for the user."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)

from __future__ import annotations

from django import forms
from django.test import RequestFactory
from django.views import View
from django.views.debug import SafeExceptionReporterFilter

from readiness.core.forms import SecretField, SensitivePostMixin


class CredentialForm(forms.Form):
    client_id = forms.CharField()
    client_secret = SecretField()
    private_key = SecretField(multiline=True)


def test_a_secret_is_never_rendered_back_even_after_an_invalid_submit():
    form = CredentialForm(data={"client_secret": "hunter2-secret", "private_key": "PEM-KEY"})
    assert not form.is_valid()  # client_id missing
    html = form.as_div()
    assert "hunter2-secret" not in html and "PEM-KEY" not in html
    assert form.cleaned_data["client_secret"] == "hunter2-secret"


def test_blank_means_keep_the_stored_value():
    form = CredentialForm(data={"client_id": "x"})
    assert form.is_valid() and form.cleaned_data["client_secret"] == ""


def test_sensitive_post_views_hide_every_post_value_from_error_reports():
    class CredentialView(SensitivePostMixin, View):
        def post(self, request):
            return request

    request = RequestFactory().post("/", {"client_secret": "hunter2-secret"})
    CredentialView.as_view()(request)
    shown = SafeExceptionReporterFilter().get_post_parameters(request)
    assert shown["client_secret"] != "hunter2-secret"


def test_a_date_field_renders_iso_whatever_the_locale():
    import datetime as dt

    from django import forms as django_forms

    from readiness.core.forms import DateInput

    class Form(django_forms.Form):
        due = django_forms.DateField(widget=DateInput())

    html = str(Form(initial={"due": dt.date(2026, 12, 17)})["due"])
    assert 'type="date"' in html and 'value="2026-12-17"' in html

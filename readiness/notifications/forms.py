from django import forms
from django.utils.translation import gettext_lazy as _

from readiness.core.outbound import destination_check
from readiness.notifications.choices import Event


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    url = forms.URLField(max_length=500, assume_scheme="https",
                         label=_("URL"),
                         help_text=_("HTTPS endpoint on a public address that receives the "
                                     "JSON events."))
    events = forms.MultipleChoiceField(label=_("Events"), choices=Event.choices,
                                       widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(required=False, widget=forms.PasswordInput, min_length=16,
                             label=_("Secret"),
                             help_text=_("Leave empty to generate one (shown once)."))

    def clean_url(self):
        url = self.cleaned_data["url"]
        destination_check(url)
        return url

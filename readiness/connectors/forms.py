from django import forms
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import Cloud
from readiness.core.forms import SecretField


class ConnectionForm(forms.Form):
    """App registration and credential. Credential fields are write-only: leave them
    empty to keep the stored credential."""

    directory_id = forms.CharField(label=_("Directory (tenant) ID"), max_length=64)
    client_id = forms.CharField(label=_("Application (client) ID"), max_length=64)
    cloud = forms.ChoiceField(label=_("Cloud"), choices=Cloud.choices, initial=Cloud.GLOBAL)
    client_secret = SecretField(label=_("Client secret (value)"))
    certificate_key = SecretField(multiline=True, label=_("Certificate private key (PEM)"))
    certificate = forms.CharField(required=False, label=_("Certificate (PEM)"),
                                  widget=forms.Textarea(attrs={"rows": 4}))
    thumbprint = forms.CharField(required=False, max_length=64,
                                 label=_("Certificate thumbprint (SHA-1)"))

    def __init__(self, *args, has_credential: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_credential = has_credential

    def clean(self):
        data = super().clean()
        if data.get("client_secret") and data.get("certificate_key"):
            raise forms.ValidationError(_("Enter a client secret or a certificate, not both."))
        if data.get("certificate_key") and not (data.get("certificate") or
                                                data.get("thumbprint")):
            raise forms.ValidationError(_("A certificate key needs the certificate or its "
                                          "thumbprint."))
        if not self.has_credential and not (data.get("client_secret") or
                                            data.get("certificate_key")):
            raise forms.ValidationError(_("Enter a client secret or a certificate."))
        return data

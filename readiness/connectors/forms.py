from django import forms
from django.utils.translation import gettext_lazy as _

from readiness.connectors.choices import Cloud
from readiness.core.forms import SecretField


class AppCredentialFields(forms.Form):
    """An app registration's client ID and its write-only credential: a tenant's own app
    and the MSP's shared app are entered the same way."""

    client_id = forms.CharField(label=_("Application (client) ID"), max_length=64)
    client_secret = SecretField(label=_("Client secret (value)"))
    certificate_key = SecretField(multiline=True, label=_("Certificate private key (PEM)"))
    certificate = forms.CharField(required=False, label=_("Certificate (PEM)"),
                                  widget=forms.Textarea(attrs={"rows": 4}))
    thumbprint = forms.CharField(required=False, max_length=64,
                                 label=_("Certificate thumbprint (SHA-1)"))


class ConnectionForm(AppCredentialFields):
    """App registration and credential. Credential fields are write-only: leave them
    empty to keep the stored credential."""

    directory_id = forms.CharField(label=_("Directory (tenant) ID"), max_length=64)
    cloud = forms.ChoiceField(label=_("Cloud"), choices=Cloud.choices, initial=Cloud.GLOBAL)
    field_order = ("directory_id", "client_id", "cloud", "client_secret", "certificate_key",
                   "certificate", "thumbprint")

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


class MspAppForm(AppCredentialFields):
    """The MSP's multi-tenant app. Credential fields are write-only."""


class CustomerAddForm(forms.Form):
    domain = forms.CharField(label=_("Customer's domain"), max_length=253,
                             help_text=_("Any domain the customer verified in Microsoft 365, "
                                         "for example contoso.cz."))
    name = forms.CharField(label=_("Name"), required=False, max_length=200,
                           help_text=_("Leave empty to use the organisation's name from "
                                       "Microsoft once the customer consented."))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=400,
                           help_text=_("Separated by commas, for example: team-east, gold."))
    report_only = forms.BooleanField(
        required=False, label=_("Report-only (the customer will not consent)"),
        help_text=_("Track this customer from uploaded SMTP AUTH reports alone; mailbox "
                    "states and sign-ins are then unavailable."))

    def clean_tags(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip())


class CustomersUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV of domains"),
                           help_text=_("Columns: domain (required), name, tags (separated by "
                                       "';'). All or nothing: one bad line rejects the file."))

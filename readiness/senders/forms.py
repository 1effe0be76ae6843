"""Plain Django forms: validation of shape only; rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.core.addresses import AddressFormField
from readiness.core.forms import DateInput, bootstrap_widgets
from readiness.senders.choices import (
    ALLOWED_TRANSITIONS,
    SYSTEM_ONLY_STATUSES,
    BulkAction,
    DeviceType,
    MigrationPath,
    SenderStatus,
)
from readiness.senders.models import DeviceModel, Sender, Ticket
from readiness.senders.selectors import assignable_users, tenant_members
from readiness.senders.services.ownership import OWNERSHIP_FIELDS
from readiness.tenancy.models import Tenant

DATE = DateInput()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class DeviceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        support = obj.get_oauth_support_display()
        if obj.is_generic:
            return f"Generic (fallback): {obj.model} — OAuth: {support}"
        return f"{obj.vendor} {obj.model} — OAuth: {support}"


class OwnershipForm(forms.ModelForm):
    class Meta:
        model = Sender
        fields = OWNERSHIP_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"owner_user": _("Owner (user)"), "owner_name": _("External owner name"),
                  "owner_email": _("External owner e-mail"), "team": _("Team"),
                  "device_type": _("Device type"), "device_model": _("Device model"),
                  "vendor": _("Vendor"), "model": _("Model"), "notes": _("Notes"),
                  "migration_path": _("Migration path")}

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"] = UserChoiceField(tenant_members(tenant=tenant), required=False,
                                                    label=_("Owner (user)"))
        # Vendor entries first; the generic ones are a fallback (the model's ordering).
        self.fields["device_model"] = DeviceChoiceField(
            DeviceModel.objects.all(), required=False, label=_("Catalogue model"),
            help_text=_("The vendor's statement on OAuth, with its source and review "
                        "date."))
        bootstrap_widgets(self)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


def transition_choices(status: str) -> list[tuple[str, str]]:
    allowed = ALLOWED_TRANSITIONS.get(status, frozenset()) - SYSTEM_ONLY_STATUSES
    return [(s.value, s.label) for s in SenderStatus if s.value in allowed]


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    exception_reason = forms.CharField(required=False, label=_("Exception reason"))
    exception_expires_on = forms.DateField(required=False, widget=DATE,
                                           label=_("Exception expires on"))

    def __init__(self, *args, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = transition_choices(status)


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BulkAction.choices)
    owner_user = forms.ModelChoiceField(label=_("Owner (user)"), queryset=None, required=False)
    owner_name = forms.CharField(label=_("Owner name"), required=False, max_length=200)
    owner_email = AddressFormField(label=_("Owner e-mail"), required=False)
    team = forms.CharField(label=_("Team"), required=False, max_length=120)
    device_type = forms.ChoiceField(label=_("Device type"), choices=DeviceType.choices,
                                    required=False)
    migration_path = forms.ChoiceField(label=_("Migration path"), choices=MigrationPath.choices,
                                       required=False)
    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in SenderStatus if s not in SYSTEM_ONLY_STATUSES],
        required=False)
    comment = forms.CharField(label=_("Comment"), required=False)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False)
    title = forms.CharField(label=_("Ticket title"), required=False, max_length=200)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = tenant_members(tenant=tenant)
        self.fields["assignee"].queryset = assignable_users(tenant=tenant)


class TicketForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    external_url = forms.URLField(label=_("ITSM ticket URL"), required=False, max_length=200,
                                  assume_scheme="https")

    class Meta:
        model = Ticket
        fields = ("title", "assignee", "status", "priority", "due_date", "external_id",
                  "external_url")
        widgets = {"due_date": DATE}
        labels = {"title": _("Title"), "assignee": _("Assignee"), "status": _("Status"),
                  "priority": _("Priority"), "due_date": _("Due date"),
                  "external_id": _("ITSM ticket ID")}

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        # MSP admins may hold tickets too (the service allows it), so an edit of a
        # ticket assigned to one must not fail with "Select a valid choice".
        self.fields["assignee"] = UserChoiceField(assignable_users(tenant=tenant),
                                                  required=False, label=_("Assignee"))
        self.fields["version"].initial = self.instance.version
        bootstrap_widgets(self)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def _post_clean(self):
        # Validation is the service's job (ticket_update); the form must not write the
        # instance, or the conflict check would compare against the submitted values.
        pass


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                           label=_("Comment"))


class TrackExceptionsForm(forms.Form):
    scenario = forms.ChoiceField(label=_("Scenario"), choices=())
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE)

    def __init__(self, *args, scenarios: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = list(scenarios.items())

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value <= timezone.now().date():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return value

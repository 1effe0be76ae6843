from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from readiness.tenancy.choices import Role


class MembershipAddForm(forms.Form):
    """MSP admins only: find any user of the directory by username or e-mail."""

    user = forms.CharField(label=_("Username or e-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(is_active=True).filter(
            Q(username__iexact=value) | Q(email__iexact=value)
        )[:2]
        if len(users) != 1:
            raise forms.ValidationError(
                _("No single active user has that username or e-mail. An MSP admin creates "
                  "users (python manage.py grant --create).")
            )
        return users[0]


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class UsernameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_username()


class MemberInviteForm(forms.Form):
    """Tenant managers: invite by e-mail, or pick a user from a tenant they manage.

    Nothing here looks a user up by what was typed, so nothing tells whether an
    address or username exists elsewhere (docs/security.md, "Inviting members")."""

    email = forms.EmailField(label=_("Invite by e-mail"), required=False, max_length=254)
    known_user = UsernameChoiceField(queryset=None, required=False,
                                     label=_("Or add someone from your tenants"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args, known_users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["known_user"].queryset = known_users

    def clean(self):
        data = super().clean()
        if bool(data.get("email")) == bool(data.get("known_user")):
            raise forms.ValidationError(_("Enter an e-mail address or pick a user, not both."))
        return data


class InvitationSignUpForm(forms.Form):
    """A new account for the invited address; the e-mail is the invitation's."""

    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from readiness.tenancy.choices import Role


class MembershipAddForm(forms.Form):
    user = forms.CharField(label="Username or e-mail", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(is_active=True).filter(
            Q(username__iexact=value) | Q(email__iexact=value)
        )[:2]
        if len(users) != 1:
            raise forms.ValidationError(
                "No single active user has that username or e-mail. An MSP admin creates "
                "users (python manage.py grant --create)."
            )
        return users[0]


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)

"""The one address rule (readiness.core.values.address_normalize) for Django: a model
field, a form field and a validator, so forms, the admin and the API say exactly what
the importer and the connectors say."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from readiness.core.values import ADDRESS_MAX, BadAddress, address_normalize


def address_validate(value: str) -> None:
    try:
        address_normalize(value)
    except BadAddress as exc:
        raise ValidationError(_("Enter a valid e-mail address: it %(problem)s."), code="invalid",
                              params={"problem": exc}) from None


class AddressFormField(forms.CharField):
    default_validators = [address_validate]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", ADDRESS_MAX)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return address_normalize(value) if value else value


class AddressField(models.CharField):
    """An e-mail address under the one rule: SMTPUTF8 local parts and underscores in
    domains are fine (Exchange stores them); hostile strings are not."""

    default_validators = [address_validate]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", ADDRESS_MAX)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": AddressFormField, **kwargs})

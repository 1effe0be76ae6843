"""Every column header, form label and filter label is translatable: a header Django
derives from a model field's name ("created at") is English whatever the language."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import django_filters
import django_tables2 as tables
import pytest
from django import forms
from django.utils.functional import Promise

import readiness

# Headers that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"", "#", "SHA-256", "URL", "E-mail"}


def _classes(module_name: str, base) -> list[type]:
    found = []
    for info in pkgutil.walk_packages(readiness.__path__, "readiness."):
        if info.name.rsplit(".", 1)[-1] != module_name:
            continue
        module = importlib.import_module(info.name)
        found += [c for _n, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, base) and c.__module__ == module.__name__]
    return found


def _untranslated(label) -> bool:
    return not isinstance(label, Promise) and str(label) not in SAME_IN_EVERY_LANGUAGE


@pytest.mark.parametrize("table_class", _classes("tables", tables.Table),
                         ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_column_header_is_translatable(table_class):
    table = table_class.__new__(table_class)
    english = []
    for name, column in table_class.base_columns.items():
        header = column.verbose_name
        if header is None:
            model = getattr(table_class._meta, "model", None)
            try:
                header = model._meta.get_field(name).verbose_name
            except Exception:  # not a model field: the name itself becomes the header
                header = name
        if _untranslated(header):
            english.append(f"{name}: {header!r}")
    del table
    assert not english, english


@pytest.mark.parametrize("filterset_class", _classes("filtersets", django_filters.FilterSet),
                         ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_filter_label_is_translatable(filterset_class):
    english = []
    for name, flt in filterset_class.base_filters.items():
        label = flt.label
        if label is None:
            model = filterset_class._meta.model
            label = model._meta.get_field(flt.field_name).verbose_name
        if _untranslated(label):
            english.append(f"{name}: {label!r}")
    assert not english, english


@pytest.mark.parametrize("form_class", _classes("forms", forms.BaseForm),
                         ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_form_label_is_translatable(form_class):
    """Declared fields and the ones a ModelForm takes from its model (Meta.labels)."""
    english = [f"{name}: {field.label!r}" for name, field in form_class.base_fields.items()
               if not isinstance(field.widget, forms.HiddenInput)
               and (field.label is None or _untranslated(field.label))]
    assert not english, english

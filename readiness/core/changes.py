"""Recorded changes in words: "Status: Open → Done", "Assignee: — → Alice Novák".

The audit log and the ticket history store what changed as JSON (field -> value, with
ids for related objects and raw choice values). People read them through `ChangeFormatter`:
field names become the model field's verbose name, choice values their labels, ids the
name of what they point to, dates a date. It works on a model *label* ("senders.Ticket")
through the app registry, so the platform layer can format any app's changes without
importing it.

Related ids are resolved in one query per related model for a whole page (`prime`), so
the audit page's query count does not grow with its rows. A tenant-owned related object
is shown only within its own tenant's events; anything unresolved reads "#<id>
(deleted)" rather than disappearing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EMPTY = "—"

# Keys recorded outside any model field (import figures, tokens, webhooks).
KEY_LABELS = {
    "sha256": gettext_lazy("SHA-256"),
    "bytes": gettext_lazy("Size (bytes)"),
    "file_name": gettext_lazy("File name"),
    "rows": gettext_lazy("Rows"),
    "senders": gettext_lazy("Senders"),
    "user": gettext_lazy("User"),
    "role": gettext_lazy("Role"),
    "email": gettext_lazy("E-mail"),
    "prefix": gettext_lazy("Token prefix"),
    "secret": gettext_lazy("Secret"),
    "events": gettext_lazy("Events"),
    "url": gettext_lazy("URL"),
    "kind": gettext_lazy("Kind"),
    "provider": gettext_lazy("Provider"),
}
# Keys that hold ids of another model without being a field of the event's object.
KEY_MODELS = {"senders": "senders.Sender"}
# Values that are markers rather than data.
VALUE_LABELS = {"set": gettext_lazy("set (not shown)")}


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the key was not recorded before (a creation)
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.label}: {self.after}"
        if self.after is None:
            return f"{self.label}: {self.before} → {EMPTY}"
        return f"{self.label}: {self.before} → {self.after}"


def model_for(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _user_name(user) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or str(user)


def _is_pk(model, value) -> bool:
    """Audit rows are free-form JSON: only a value that can be this model's key is looked up."""
    if value in (None, ""):
        return False
    try:
        model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


class ChangeFormatter:
    """Format many events' changes with one query per related model."""

    def __init__(self):
        self._wanted: dict[type, set] = defaultdict(set)
        self._objects: dict[tuple[type, str], models.Model] = {}

    def prime(self, items) -> ChangeFormatter:
        """items: (model label, before dict, after dict) triples, e.g. a page of events."""
        for label, before, after in items:
            model = model_for(label)
            for key, value in [*before.items(), *after.items()]:
                related = self._related_model(model, key)
                if related is not None:
                    for pk in value if isinstance(value, list) else [value]:
                        if _is_pk(related, pk):
                            self._wanted[related].add(pk)
        for related, pks in self._wanted.items():
            for obj in related._default_manager.filter(pk__in=list(pks)):
                self._objects[(related, str(obj.pk))] = obj
        self._wanted.clear()
        return self

    def changes(self, label: str, before: dict, after: dict,
                tenant_id: int | None = None) -> list[Change]:
        model = model_for(label)
        before, after = before or {}, after or {}
        result = []
        for key in dict.fromkeys([*before, *after]):
            old = self.value(model, key, before[key], tenant_id) if key in before else None
            new = self.value(model, key, after[key], tenant_id) if key in after else None
            if key in after and key not in before and old is None and new == EMPTY:
                continue  # a creation that left this empty says nothing
            result.append(Change(self.label(model, key), old, new))
        return result

    def text(self, label: str, before: dict, after: dict, tenant_id: int | None = None) -> str:
        return "; ".join(str(c) for c in self.changes(label, before, after, tenant_id))

    def label(self, model, key: str) -> str:
        field = _field(model, key)
        if field is not None and getattr(field, "verbose_name", None):
            return capfirst(str(field.verbose_name))
        if key in KEY_LABELS:
            return str(KEY_LABELS[key])
        return capfirst(key.replace("_", " "))

    def value(self, model, key: str, value, tenant_id: int | None) -> str:
        if value in (None, "", []):
            return EMPTY
        related = self._related_model(model, key)
        if related is not None:
            pks = value if isinstance(value, list) else [value]
            return ", ".join(self._name(related, pk, tenant_id) for pk in pks)
        field = _field(model, key)
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, str) and value in VALUE_LABELS:
            return str(VALUE_LABELS[value])
        if isinstance(value, list):
            return ", ".join(str(self.value(None, key, v, tenant_id)) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{self.label(None, k)} {v}" for k, v in value.items())
        if isinstance(field, models.DateField) and isinstance(value, str):
            try:
                return date_format(date.fromisoformat(value[:10]))
            except ValueError:
                return value
        return str(value)

    def _related_model(self, model, key: str):
        field = _field(model, key)
        if field is not None and field.is_relation and field.related_model is not None:
            return field.related_model
        if field is None and key in KEY_MODELS:
            return model_for(KEY_MODELS[key])
        return None

    def _name(self, related, pk, tenant_id: int | None) -> str:
        if not _is_pk(related, pk):
            return str(pk)  # an event that recorded a name, not an id (older or other writers)
        obj = self._objects.get((related, str(pk)))
        if obj is None:
            return _("#%(id)s (deleted)") % {"id": pk}
        obj_tenant = getattr(obj, "tenant_id", None)
        if tenant_id is not None and obj_tenant is not None and obj_tenant != tenant_id:
            return _("#%(id)s (deleted)") % {"id": pk}
        if hasattr(obj, "get_username"):
            return _user_name(obj)
        return str(obj)

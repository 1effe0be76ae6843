"""Helpers for the browser tests."""

from __future__ import annotations

from django.conf import settings
from django.test import Client


def session_cookie_for(user) -> str:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# The UI languages the browser suite walks (the hook the Czech UI plugs into: add
# "cs": "cs-CZ" and every `ui_locale`-parametrised test runs in both).
UI_LOCALES = {"en": "en-GB", "cs": "cs-CZ"}

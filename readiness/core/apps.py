from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting helpers (encryption, exports, uploads); an app for its commands."""

    name = "readiness.core"
    label = "core"

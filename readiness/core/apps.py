from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting helpers (encryption, exports, uploads); an app for its commands."""

    name = "readiness.core"
    label = "core"

    def ready(self):
        # Registers the shared date columns before any table class is built.
        from readiness.core import tables  # noqa: F401

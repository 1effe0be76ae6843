from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "readiness.tenancy"
    label = "tenancy"

    def ready(self):
        from readiness.tenancy import signals  # noqa: F401  (connects receivers)

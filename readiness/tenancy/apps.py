from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "readiness.tenancy"
    label = "tenancy"

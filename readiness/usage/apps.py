from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "readiness.usage"
    label = "usage"

from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "reports.usage"
    label = "usage"

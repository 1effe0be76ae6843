from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "reports.imports"
    label = "imports"

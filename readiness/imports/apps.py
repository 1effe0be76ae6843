from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "readiness.imports"
    label = "imports"

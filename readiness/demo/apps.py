from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "readiness.demo"
    label = "demo"

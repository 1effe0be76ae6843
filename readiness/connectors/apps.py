from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "readiness.connectors"
    label = "connectors"

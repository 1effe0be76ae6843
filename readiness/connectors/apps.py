from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "readiness.connectors"
    label = "connectors"

    def ready(self) -> None:
        # The connectors' sources register with readiness.ingestion on import.
        from readiness.connectors import sources  # noqa: F401

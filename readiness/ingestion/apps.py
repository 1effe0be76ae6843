from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "readiness.ingestion"
    label = "ingestion"

    def ready(self) -> None:
        from readiness.ingestion import signals  # noqa: F401  (connects the liveness stamps)

from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "readiness.ingestion"
    label = "ingestion"

    def ready(self) -> None:
        # Sources register themselves in the registry on import.
        from readiness.ingestion import sources  # noqa: F401

from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "readiness.ingestion"
    label = "ingestion"

from django.urls import path

from readiness.ingestion import views

app_name = "ingestion"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("tenants/<slug:slug>/ingests/", views.IngestHistoryView.as_view(), name="history"),
]

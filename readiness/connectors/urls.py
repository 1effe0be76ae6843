from django.urls import path

from readiness.connectors.views import ConnectionView

app_name = "connectors"
urlpatterns = [
    path("tenants/<slug:slug>/connection/", ConnectionView.as_view(), name="connection"),
]

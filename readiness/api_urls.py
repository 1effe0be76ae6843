"""The REST API root: each app contributes its routes from `<app>/api/urls.py`."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/", include("readiness.dashboards.api.urls")),
    path("v1/", include("readiness.senders.api.urls")),
    path("v1/", include("readiness.inventory.api.urls")),
]

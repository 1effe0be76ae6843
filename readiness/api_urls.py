"""The REST API root: each app contributes its routes from `<app>/api/urls.py`.

`/api/v1/` lists the endpoints (read from these includes, so it never drifts), and
`/api/docs/` serves Swagger UI from drf-spectacular-sidecar's local copy (no CDN: the
product runs on closed networks). The schema stays at `/api/schema/`.
"""

import re
from importlib import import_module

from django.urls import URLPattern, include, path, reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.views import APIView

V1_MODULES = ("readiness.dashboards.api.urls", "readiness.senders.api.urls",
              "readiness.inventory.api.urls")


def _placeholders(route: str) -> str:
    """`tenants/<slug:slug>/` -> `tenants/{slug}/`, the OpenAPI spelling."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


class ApiRootView(APIView):
    """Every v1 endpoint by name, with its path (placeholders in braces)."""

    @extend_schema(exclude=True)
    def get(self, request):
        base = request.build_absolute_uri(reverse("api-root"))
        endpoints = {}
        for module in V1_MODULES:
            for pattern in import_module(module).urlpatterns:
                if isinstance(pattern, URLPattern) and pattern.name:
                    # Concatenated, not build_absolute_uri'd: that would quote the braces.
                    endpoints[pattern.name] = base + _placeholders(str(pattern.pattern))
        return Response({
            "endpoints": endpoints,
            "schema": request.build_absolute_uri(reverse("api-schema")),
            "docs": request.build_absolute_uri(reverse("api-docs")),
        })


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", ApiRootView.as_view(), name="api-root"),
    *[path("v1/", include(module)) for module in V1_MODULES],
]
